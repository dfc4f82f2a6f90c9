"""REST endpoints of the organization (API.md, Conventions and Organization): token, me, people, departments."""

from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, logout, user_logged_in
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from knox.models import AuthToken
from rest_framework import permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, error_responses, object_id
from core.errors import RateLimited, ValidationError

from . import selectors, services
from .access import is_admin
from .filters import PeopleFilter
from .models import Department, User
from .serializers import (
    DepartmentCreateSerializer,
    DepartmentSerializer,
    DepartmentUpdateSerializer,
    LogoutSerializer,
    MeSerializer,
    PersonSerializer,
    TokenObtainSerializer,
    TokenSerializer,
    UserCreateSerializer,
    UserSerializer,
)


class IsAdministrator(permissions.BasePermission):
    """Changes to the organization are for administrators (the services check it again)."""

    message = gettext_lazy("Only administrators may change the organization.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_admin(request.user)


class TokenView(APIView):
    """Exchange a username and password for the API token (the same lock-out as the login page)."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description=gettext_lazy("Wrong username or password, or invalid input.")
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description=gettext_lazy(
                    "Locked out (code `locked_out`): 5 failed attempts for this username from this address "
                    "lock the pair for the cool-off time (15 minutes unless configured otherwise)."
                ),
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = TokenObtainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # django-axes counts failures on the Django request handed to authenticate().
        django_request = request._request
        user = authenticate(
            django_request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None:
            if getattr(django_request, "axes_locked_out", False):
                # AxesMiddleware would swap this answer for the HTML lock-out page; the API keeps its format.
                django_request.axes_locked_out = False
                cool_off = get_cool_off(django_request)
                minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else 0
                message = (
                    _("Too many failed attempts: this username is locked from your address for %(minutes)d minutes.")
                    % {"minutes": minutes}
                    if minutes
                    else _("Too many failed attempts: this username is locked from your address.")
                )
                raise RateLimited(message, code="locked_out")
            raise ValidationError(
                _("Unable to log in with the given username and password."), code="invalid_credentials"
            )
        # As a page login does: axes clears the failures, Django records last_login.
        user_logged_in.send(sender=type(user), request=django_request, user=user)
        return Response({"token": services.api_token_issue(user=user)})


class LogoutView(APIView):
    """End the credentials this request came with: the token (the person's other tokens stay), or
    the session when called with one."""

    @extend_schema(request=None, responses={200: LogoutSerializer, **error_responses()}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            services.api_token_revoke(user=request.user, token=request.auth)
        else:
            logout(request._request)
        return Response({"detail": _("Logged out.")})


class MeView(APIView):
    """The requesting person: who they are, their department, roles and clearance."""

    @extend_schema(responses={200: MeSerializer, **error_responses()}, tags=["organization"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("People search"),
        responses={200: PersonSerializer(many=True), **error_responses(400)},
    ),
    retrieve=extend_schema(responses={200: PersonSerializer, **error_responses(404)}),
    create=extend_schema(
        summary=gettext_lazy("Create a person (administrators)"),
        request=UserCreateSerializer,
        responses={201: UserSerializer, **error_responses(400, 403)},
    ),
)
@extend_schema(tags=["organization"])
class UserViewSet(viewsets.GenericViewSet):
    queryset = User.objects.none()  # names the model behind {id} for the schema; rows come from selectors
    serializer_class = PersonSerializer
    filterset_class = PeopleFilter
    ordering = ("name", "id")

    def get_permissions(self) -> list[Any]:
        if self.action == "create":
            return [permissions.IsAuthenticated(), IsAdministrator()]
        return super().get_permissions()

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(selectors.people_search(user=request.user)))
        return self.get_paginated_response(PersonSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PersonSerializer(selectors.person_get(user=request.user, pk=object_id(pk))).data)

    def create(self, request: Request) -> Response:
        data = UserCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **data.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(responses={200: DepartmentSerializer(many=True), **error_responses()}),
    retrieve=extend_schema(responses={200: DepartmentSerializer, **error_responses(404)}),
    create=extend_schema(
        summary=gettext_lazy("Create a department (administrators)"),
        request=DepartmentCreateSerializer,
        responses={201: DepartmentSerializer, **error_responses(400, 403)},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Change a department, e.g. its head (administrators)"),
        request=DepartmentUpdateSerializer,
        responses={200: DepartmentSerializer, **error_responses(400, 403, 404)},
    ),
)
@extend_schema(tags=["organization"])
class DepartmentViewSet(viewsets.GenericViewSet):
    queryset = Department.objects.none()  # names the model behind {id} for the schema
    serializer_class = DepartmentSerializer
    ordering = ("order", "id")

    def get_permissions(self) -> list[Any]:
        if self.action in ("create", "partial_update"):
            return [permissions.IsAuthenticated(), IsAdministrator()]
        return super().get_permissions()

    def _department(self, pk: str) -> Department:
        return selectors.department_get(user=self.request.user, pk=object_id(pk))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.department_list(user=request.user))
        return self.get_paginated_response(DepartmentSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(DepartmentSerializer(self._department(pk)).data)

    def create(self, request: Request) -> Response:
        data = DepartmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        department = services.department_create(actor=request.user, **data.validated_data)
        return Response(DepartmentSerializer(department).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        department = self._department(pk)
        data = DepartmentUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        department = services.department_update(actor=request.user, department=department, **data.validated_data)
        return Response(DepartmentSerializer(department).data)
