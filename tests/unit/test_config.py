import pytest

from console.config import ConfigError, config_dir, load_settings


def write(text: str):
    path = config_dir() / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_a_file():
    settings = load_settings()
    assert settings.read_only is False
    assert settings.is_read_only("prod") is False


def test_profile_entries_override_the_global_default():
    write('read_only = true\n[profiles.dev]\nread_only = false\n[profiles.prod]\nprotected = true\nregion = "eu-west-1"\n'
          '[accounts."111122223333"]\nprotected = true\n')
    settings = load_settings()
    assert settings.is_read_only("prod") is True
    assert settings.is_read_only("dev") is False
    assert settings.profile("prod").region == "eu-west-1"
    assert settings.is_protected("prod", None)
    assert settings.is_protected("dev", "111122223333")
    assert not settings.is_protected("dev", "999999999999")


def test_bad_values_name_the_field():
    write("[profiles.prod]\nread_only = \"yes\"\n")
    with pytest.raises(ConfigError, match=r"profiles\.prod\.read_only: expected true or false"):
        load_settings()
    write("read_only = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


def test_the_traffic_alias_defaults_to_live_and_is_checked():
    assert load_settings().traffic_alias == "live"
    write('traffic_alias = "prod"\n')
    assert load_settings().traffic_alias == "prod"
    for bad in ('"123"', '"has space"', "7"):
        write(f"traffic_alias = {bad}\n")
        with pytest.raises(ConfigError, match=r"^traffic_alias: expected an alias name"):
            load_settings()
