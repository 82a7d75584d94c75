"""Operators define licence types in the admin; the service assigns the type code."""

import json

import pytest

from tests.licences.conftest import client_for, department, make_official
from tongban.identity.models import Account, Role
from tongban.licences.models import LicenceType

pytestmark = pytest.mark.django_db


def test_an_operator_defines_a_licence_type_in_the_admin(city):
    operator = make_official("operator", "政务服务和数据管理局", Role.OPERATOR)
    Account.objects.filter(pk=operator.pk).update(is_staff=True, is_superuser=True)
    operator.refresh_from_db()
    civil = department("民政局")
    schema = {"type": "object", "properties": {"x": {"type": "string", "title": "甲"}}}
    response = client_for(operator).post(
        "/admin/licences/licencetype/add/",
        {
            "code": "pet_licence",
            "name": "养犬登记证",
            "defining_department": civil.pk,
            "issuing_departments": [civil.pk],
            "holder_kind": "111",
            "field_schema": json.dumps(schema),
            "validity_years": "1",
            "age_thresholds": "[]",
            "layout": "card",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = LicenceType.objects.get(code="pet_licence")
    assert created.type_code == civil.credit_code + "003"  # after 结婚证 and 老年人优待证
    assert list(created.issuing_departments.all()) == [civil]


def test_a_staff_member_who_is_not_an_operator_cannot(city):
    clerk = make_official("clerk", "民政局", Role.COUNTER_CLERK)
    Account.objects.filter(pk=clerk.pk).update(is_staff=True, is_superuser=True)
    clerk.refresh_from_db()
    civil = department("民政局")
    response = client_for(clerk).post(
        "/admin/licences/licencetype/add/",
        {
            "code": "pet_licence",
            "name": "养犬登记证",
            "defining_department": civil.pk,
            "issuing_departments": [civil.pk],
            "holder_kind": "111",
            "field_schema": json.dumps({"type": "object"}),
            "age_thresholds": "[]",
            "layout": "card",
        },
    )
    assert response.status_code == 403
    assert not LicenceType.objects.filter(code="pet_licence").exists()
