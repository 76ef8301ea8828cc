"""The credential inventory: secrets refused, CSV imported row by row."""

import pytest

from incidents.models import Credential
from incidents.services import ServiceError
from incidents.services.credentials import add_credential, import_csv

HEADER = "name,kind,system,owner,environment,identifier,tags\n"


def test_a_credential_is_stored_by_identifier(db):
    credential = add_credential(
        name="content-api key",
        kind="api_key",
        system="content-api",
        identifier="…9f2c",
        tags=["scope-melztube"],
    )
    assert credential.system.name == "content-api" and list(
        credential.tags.values_list("name", flat=True)
    ) == ["scope-melztube"]


@pytest.mark.parametrize(
    "identifier",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "sk_live_51HqLyjWDarjtT1zdp7dc",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "-----BEGIN RSA PRIVATE KEY-----",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
        "q8Zr4Lw9Xy2Kp7Nv3Tb6Hs1Jd5Fg0Mc",
    ],
)
def test_anything_that_looks_like_a_secret_is_refused(db, identifier):
    with pytest.raises(ServiceError, match="never stores secrets"):
        add_credential(name="k", kind="api_key", system="s", identifier=identifier)
    assert not Credential.objects.exists()


def test_fingerprints_and_last_four_are_fine(db):
    add_credential(
        name="a",
        kind="ssh_key",
        system="s",
        identifier="SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"[:20],
    )
    add_credential(name="b", kind="api_key", system="s", identifier="…9f2c")
    assert Credential.objects.count() == 2


def test_a_csv_with_bad_rows_imports_nothing_and_reports_every_bad_row(db):
    data = (
        HEADER
        + "content key,api_key,content-api,team-content,production,…a1b2,scope\n"
        + "bad kind,banana,content-api,,,…c3d4,\n"
        + "secret row,api_key,content-api,,,AKIAIOSFODNN7EXAMPLE,\n"
        + ",api_key,content-api,,,…e5f6,\n"
        + "db password,database_password,metadata-db,dba,production,…g7h8,scope;db\n"
    ).encode()
    report = import_csv(data)
    assert report.imported == 0 and not report.kept and report.rows == 5
    assert [line for line, _ in report.errors] == [3, 4, 5]
    assert "Unknown kind 'banana'" in report.errors[0][1]
    assert "AWS access key" in report.errors[1][1] and "required" in report.errors[2][1]
    assert not Credential.objects.exists()  # all or nothing: the good rows are not kept


def test_a_csv_with_only_good_rows_imports_them_all(db):
    data = (
        HEADER
        + "content key,api_key,content-api,team-content,production,…a1b2,scope\n"
        + "db password,database_password,metadata-db,dba,production,…g7h8,scope;db\n"
    ).encode()
    report = import_csv(data)
    assert report.kept and report.imported == 2
    assert set(Credential.objects.values_list("name", flat=True)) == {"content key", "db password"}


def test_a_csv_with_wrong_columns_is_refused_whole(db):
    with pytest.raises(ServiceError, match=r"Missing column.*identifier"):
        import_csv(b"name,kind,system\nk,api_key,s\n")
    with pytest.raises(ServiceError, match=r"Unknown column.*password"):
        import_csv((HEADER.strip() + ",password\n").encode())


def test_a_csv_in_another_encoding_is_refused_with_advice(db):
    with pytest.raises(ServiceError, match=r"not UTF-8.*CSV UTF-8"):
        import_csv((HEADER + "clé,api_key,s,,,x1,\n").encode("latin-1"))


def test_a_duplicate_row_is_reported_not_crashing(db):
    report = import_csv((HEADER + "k,api_key,s,,,…1,\nk,api_key,s,,,…2,\n").encode())
    assert report.imported == 0 and "already exists" in report.errors[0][1]
    assert not Credential.objects.exists()
