"""An installation without SECRET_KEY gets its own random key, kept across restarts."""
from config import Config
from webapp import create_app, instance_secret_key


def test_instance_key_is_random_and_kept(tmp_path):
    """The first start makes a 256-bit key only the owner can read; the next start reads it back."""
    first = instance_secret_key(tmp_path)
    again = instance_secret_key(tmp_path)
    assert len(first) == 64 and first == again
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_two_installations_get_different_keys(tmp_path):
    """Keys are not shared between instance folders (nothing known from the source)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert instance_secret_key(tmp_path / "a") != instance_secret_key(tmp_path / "b")


def test_environment_key_wins():
    """SECRET_KEY from the environment (production) is used as it is."""
    app = create_app(Config, {"SECRET_KEY": "from-the-environment"})
    assert app.config["SECRET_KEY"] == "from-the-environment"
