"""Settings: secrets.toml is parsed once per process, environment variables are read live, and an
unreadable file is one sentence, not a crash."""

import os
import tomllib

import pytest

from dashboard import config


@pytest.fixture
def secrets(monkeypatch, tmp_path):
    """A secrets.toml of the test's own; counts how often it is parsed. Forgotten afterwards."""
    path = tmp_path / "secrets.toml"
    monkeypatch.setattr(config, "SECRETS_PATH", path)
    for name in [name for name in os.environ if name.startswith("DASHBOARD_")]:
        monkeypatch.delenv(name)
    parses = []
    real_load = tomllib.load

    def counting_load(fh):
        parses.append(1)
        return real_load(fh)

    monkeypatch.setattr(config.tomllib, "load", counting_load)
    config.reload()
    yield path, parses
    config.reload()


def test_the_file_is_parsed_once_for_many_settings(secrets):
    path, parses = secrets
    path.write_text('[dashboard]\nstale_after_hours = 48\ntarget_revisit_rate = 0.8\n', encoding="utf-8")
    for _ in range(3):
        assert config.stale_after_hours() == 48
        assert config.targets().revisit_rate == 0.8
        assert config.cache_ttl_seconds() == 21600  # not in the file: the default
        assert config.setting_problems() == []
    assert len(parses) == 1


def test_an_edit_takes_effect_after_reload(secrets):
    path, parses = secrets
    path.write_text("[dashboard]\nstale_after_hours = 48\n", encoding="utf-8")
    assert config.stale_after_hours() == 48
    path.write_text("[dashboard]\nstale_after_hours = 12\n", encoding="utf-8")
    assert config.stale_after_hours() == 48  # still the parse of this process
    config.reload()
    assert config.stale_after_hours() == 12
    assert len(parses) == 2


def test_environment_wins_and_is_read_on_every_call(secrets, monkeypatch):
    path, parses = secrets
    path.write_text('[dashboard]\ndb_url = "sqlite:////srv/file.sqlite"\n', encoding="utf-8")
    assert config.database_url() == "sqlite:////srv/file.sqlite"
    monkeypatch.setenv("DASHBOARD_DB_URL", "sqlite:////srv/env.sqlite")
    assert config.database_url() == "sqlite:////srv/env.sqlite"  # no reload needed
    monkeypatch.setenv("DASHBOARD_DB_URL", "")  # empty counts as unset
    assert config.database_url() == "sqlite:////srv/file.sqlite"
    assert len(parses) == 1


def test_no_file_means_the_defaults(secrets):
    assert config.database_url() == config.DEMO_DB_URL
    assert config.stale_after_hours() == 36
    assert config.setting_problems() == []


def test_a_malformed_file_is_one_sentence_and_the_defaults_run(secrets):
    path, _ = secrets
    path.write_text("[dashboard\nstale_after_hours = 48\n", encoding="utf-8")
    assert config.stale_after_hours() == 36
    assert config.database_url() == config.DEMO_DB_URL
    assert config.setting_problems() == [
        "配置文件 secrets.toml 无法读取或格式有误，其中的设置未生效，已按环境变量和默认值运行。"
    ]


def test_a_dashboard_key_that_is_not_a_section_is_one_sentence(secrets):
    path, _ = secrets
    path.write_text('dashboard = "postgresql://x"\n', encoding="utf-8")
    assert config.database_url() == config.DEMO_DB_URL
    assert config.setting_problems() == ["配置文件 secrets.toml 中的 [dashboard] 不是一个配置节，其中的设置未生效。"]
