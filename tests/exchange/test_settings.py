"""TONGBAN_TRUSTED_MEDIATORS: addresses or CIDR blocks, checked at start-up."""

import pytest

from tongban.config import env


def test_trusted_mediators_are_parsed_and_normalized():
    assert env.networks({}, "TONGBAN_TRUSTED_MEDIATORS") == []
    parsed = env.networks(
        {"TONGBAN_TRUSTED_MEDIATORS": "10.0.0.5, 10.1.2.3/16,fd00::1"},
        "TONGBAN_TRUSTED_MEDIATORS",
    )
    assert parsed == ["10.0.0.5/32", "10.1.0.0/16", "fd00::1/128"]


def test_a_bad_mediator_address_stops_start_up_with_one_line(tongban_command):
    result = tongban_command("check", env={"TONGBAN_TRUSTED_MEDIATORS": "10.0.0.1,xroad.local"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "tongban: TONGBAN_TRUSTED_MEDIATORS: 'xroad.local' is not an IP address or CIDR block"
    ]


@pytest.mark.parametrize("value", ["10.0.0.1/33", "300.1.1.1"])
def test_malformed_networks_are_refused(value):
    with pytest.raises(env.SettingError, match="TONGBAN_TRUSTED_MEDIATORS"):
        env.networks({"TONGBAN_TRUSTED_MEDIATORS": value}, "TONGBAN_TRUSTED_MEDIATORS")
