from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application

# (client_id, secret, grant, username, password, company)
APPS = [
    ("dot-company-1", "dot-secret-1", Application.GRANT_PASSWORD, "api-user@company1.example", "api-password-1", 1),
    ("dot-company-2", "dot-secret-2", Application.GRANT_PASSWORD, "api-user@company2.example", "api-password-2", 2),
    ("dot-cc-1", "dot-cc-secret-1", Application.GRANT_CLIENT_CREDENTIALS, "api-user@company1.example", None, 1),
]


class Command(BaseCommand):
    help = "Creates the OmniRetain-like applications and service users (idempotent)."

    def handle(self, *args, **options):
        User = get_user_model()
        for client_id, secret, grant, username, password, company in APPS:
            user, _ = User.objects.get_or_create(username=username, defaults={"email": username})
            if password:
                user.set_password(password)
                user.save()
            if not Application.objects.filter(client_id=client_id).exists():
                # The plain secret: DOT hashes it on save.
                Application.objects.create(
                    client_id=client_id,
                    client_secret=secret,
                    client_type=Application.CLIENT_CONFIDENTIAL,
                    authorization_grant_type=grant,
                    name=f"{client_id}-company-{company}",
                    user=user,
                )
