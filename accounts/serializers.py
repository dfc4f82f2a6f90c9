"""API shapes of the organization (API.md, Organization): people, departments, the token."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api import StrictSerializer
from core.enums import Classification

from .models import Department, User
from .services import ROLES


class PersonRefSerializer(serializers.Serializer):
    """A person where another object names one: ``{"id", "name"}``."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonSerializer(serializers.ModelSerializer):
    """A person in the phone book (people search, a person's card)."""

    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "department", "title", "roles"]
        read_only_fields = fields


class UserSerializer(PersonSerializer):
    """A person as administrators see them after creating one: with clearance and state."""

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "clearance", "email", "is_active"]
        read_only_fields = fields


class MeSerializer(PersonSerializer):
    """The requesting person (``GET /api/v1/me/``)."""

    is_office = serializers.SerializerMethodField(help_text=_("Member of the general office (办公室)."))

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "clearance", "email", "is_office"]
        read_only_fields = fields

    def get_is_office(self, user: User) -> bool:
        return bool(user.department is not None and user.department.is_office)


class UserCreateSerializer(StrictSerializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z", max_length=150, help_text=_("Letters, digits and @/./+/-/_ only.")
    )
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    name = serializers.CharField(max_length=50)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.filter(is_active=True), allow_null=True, required=False, default=None
    )
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLES), required=False, default=list)
    clearance = serializers.ChoiceField(choices=Classification.choices, default=Classification.INTERNAL)
    title = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)


class DepartmentSerializer(serializers.ModelSerializer):
    head = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = ["id", "name", "code", "parent", "head", "doc_prefix", "is_office", "order", "is_active"]
        read_only_fields = fields


class DepartmentCreateSerializer(StrictSerializer):
    """A new department: name and code required."""

    name = serializers.CharField(max_length=100)
    code = serializers.SlugField(max_length=32)
    parent = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), allow_null=True, required=False)
    doc_prefix = serializers.CharField(max_length=20, allow_blank=True, required=False)
    is_office = serializers.BooleanField(required=False)
    order = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    head = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )


class DepartmentUpdateSerializer(DepartmentCreateSerializer):
    """Changes to a department (PATCH, any subset); ``is_active`` false retires it."""

    is_active = serializers.BooleanField(required=False)


class TokenObtainSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        read_only=True, help_text=_("Send as `Authorization: Token <token>`; it ends after API_TOKEN_HOURS (10).")
    )


class LogoutSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
