"""The demo's licences follow the people's stories, and seeding again changes nothing."""

import pytest

from tests.licences.conftest import Report
from tongban.core.models import Event
from tongban.demo.city import seed as city_seed
from tongban.demo.licences import person_record
from tongban.demo.licences import seed as licences_seed
from tongban.demo.seed import seed_demo
from tongban.licences.models import Licence, LicenceType

pytestmark = pytest.mark.django_db

CODES = {
    "birth_medical_certificate": "出生医学证明",
    "marriage_certificate": "结婚证",
    "senior_card": "老年人优待证",
    "business_licence": "营业执照",
    "residence_permit": "居住证",
    "disability_card": "残疾人证",
    "social_security_card": "社会保障卡",
    "talent_acceptance_letter": "人才引进接收函",
    "seal_filing_certificate": "公章备案证明",
}


def test_the_demo_licence_types(city):
    assert dict(LicenceType.objects.values_list("code", "name")) == CODES
    for licence_type in LicenceType.objects.all():
        licence_type.full_clean()
        assert licence_type.type_code.startswith(licence_type.defining_department.credit_code)
        assert licence_type.issuing_departments.exists()


def test_the_demo_licences_follow_the_stories(city):
    wang = person_record("wangxiuying", Report())
    assert not Licence.objects.filter(holder_person=wang, licence_type__code="senior_card")
    assert Licence.objects.filter(licence_type__code="marriage_certificate").count() == 2
    assert Licence.objects.get(licence_type__code="disability_card").fields["grade"] == "二级"
    names = {
        licence.holder_business.name
        for licence in Licence.objects.filter(licence_type__code="business_licence")
    }
    assert names == {"示范市青禾餐饮有限公司", "示范市云岭县何记小吃店"}


def test_seeding_again_changes_nothing(city):
    before = (Licence.objects.count(), Event.objects.count())
    assert seed_demo(steps=[city_seed, licences_seed]).changed == 0
    assert (Licence.objects.count(), Event.objects.count()) == before
