"""Password validators: the settings name them, and the password change page refuses weak passwords."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OLD = "pass-Word-123"


def test_the_validators_are_configured(settings):
    names = {v["NAME"].rsplit(".", 1)[-1]: v.get("OPTIONS", {}) for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert set(names) >= {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    assert names["MinimumLengthValidator"]["min_length"] >= 12


@pytest.mark.parametrize(
    "weak",
    [
        "Xq7-pLm2-Rt",  # 11 characters
        "123456789012",  # numbers only
        "password1234",  # a common password
        "zhangwentao1",  # the person's own username and name
    ],
    ids=["short", "numeric", "common", "like-the-username"],
)
def test_the_password_change_page_refuses_a_weak_password(client, department, weak):
    from tests.factories import UserFactory

    person = UserFactory(username="zhangwentao", name="张文涛", department=department, email="zhangwentao@example.org")
    client.force_login(person)
    response = client.post(
        reverse("accounts:password_change"), {"old_password": OLD, "new_password1": weak, "new_password2": weak}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    person.refresh_from_db()
    assert person.check_password(OLD)
    assert not person.check_password(weak)


def test_a_strong_password_is_accepted(client_of, user):
    strong = "Qv8#tunnel-Lamp-42"
    response = client_of(user).post(
        reverse("accounts:password_change"), {"old_password": OLD, "new_password1": strong, "new_password2": strong}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)
