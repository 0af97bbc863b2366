"""Test fixture settings: an OmniRetain-like Django OAuth Toolkit server on 127.0.0.1.

Not a production configuration: fixed secret key, SQLite in a temporary file, MD5 password
hashing (fast, for tests only).
"""
import os
import tempfile

SECRET_KEY = "test-fixture-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "oauth2_provider",
    "omni",
]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "omni.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DOT_DB", os.path.join(tempfile.gettempdir(), "gatehouse-dot.sqlite3")),
    }
}
# Test only: MD5 keeps user creation and the password grant fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
OAUTH2_PROVIDER = {
    # OmniRetain's documented lifetime; the test command shortens it to exercise refresh.
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("ACCESS_TTL_S", "36000")),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "SCOPES": {"read": "Read", "write": "Write"},
    "DEFAULT_SCOPES": ["read", "write"],
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
