"""The demo population is valid and internally consistent."""

from stdnum.cn import ric, uscc

from tongban.core.identifiers import clean_id_number
from tongban.demo.people import BUSINESSES, CHILDREN, GUARDIANS, PEOPLE, business, person


def test_every_id_number_is_valid_and_unique():
    numbers = [p.id_number for p in (*PEOPLE, *CHILDREN)]
    assert len(set(numbers)) == len(numbers)
    for p in (*PEOPLE, *CHILDREN):
        assert clean_id_number(p.id_number) == p.id_number
        assert ric.get_birth_date(p.id_number) == p.born
        assert (int(p.id_number[16]) % 2 == 1) == (p.gender == "男"), p.key


def test_spouses_and_guardians_point_at_each_other():
    for p in PEOPLE:
        if p.spouse:
            assert person(p.spouse).spouse == p.key
            assert p.marital_status == person(p.spouse).marital_status == "已婚"
    for child, guardian in GUARDIANS.items():
        assert person(child).born.year > 2008 and person(guardian)


def test_businesses_have_valid_codes_and_known_people():
    for b in BUSINESSES:
        assert uscc.is_valid(b.credit_code)
        person(b.legal_representative)
        for agent in b.agents:
            person(agent)
    assert business("qinghe").agents == ("maxiaohong",)
    assert business("heji").agents == ("wujie",)


def test_the_stories_the_demo_needs_exist():
    tags = {tag for p in PEOPLE for tag in p.tags}
    assert {
        "expecting",
        "retiree",
        "graduate",
        "disability",
        "senior-too-young",
        "non-resident",
    } <= tags
