from django.contrib.auth.models import User
from django.test import Client


def test_signing_in_with_a_password_lands_on_the_incident_list(db):
    User.objects.create_user("dana", password="correct horse battery")
    response = Client().post(
        "/accounts/login/", {"username": "dana", "password": "correct horse battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/incidents/"
    assert "Incidents" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(db):
    User.objects.create_user("dana", password="correct horse battery")
    response = Client().post("/accounts/login/", {"username": "dana", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_healthz_says_ok_without_signing_in(db):
    assert Client().get("/healthz").json() == {"status": "ok"}
