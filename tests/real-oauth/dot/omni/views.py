import json
import secrets

from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.decorators import protected_resource
from oauth2_provider.models import AccessToken, Application, RefreshToken


@protected_resource()
def ping(request):
    """A protected resource. DOT's decorator answers an invalid or expired token with its own
    bare 403 (not 401): Gatehouse must cope with that, as OmniRetain's APIs behave the same."""
    presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    token = AccessToken.objects.select_related("application").get(token=presented)
    company = int(token.application.name.rsplit("-", 1)[-1])
    user = request.resource_owner
    return JsonResponse({"ok": True, "company": company, "user": getattr(user, "username", None)})


@csrf_exempt
@require_POST
def revoke_all(request):
    """Test control only: forget every token, as if the partner revoked the credential."""
    refresh = RefreshToken.objects.count()
    RefreshToken.objects.all().delete()
    access = AccessToken.objects.count()
    AccessToken.objects.all().delete()
    return JsonResponse({"revoked_access_tokens": access, "revoked_refresh_tokens": refresh})


_next_company = [100]


@csrf_exempt
@require_POST
def new_company(request):
    """Test control only: a company signs up with OmniRetain now: its own application (password
    grant) and API user, with fresh random credentials, answered once."""
    _next_company[0] += 1
    company = _next_company[0]
    username = f"api-user@company{company}.example"
    password = secrets.token_urlsafe(16)
    client_id = f"dot-company-{company}-{secrets.token_hex(4)}"
    client_secret = secrets.token_urlsafe(24)
    user = get_user_model().objects.create(username=username, email=username)
    user.set_password(password)
    user.save()
    Application.objects.create(
        client_id=client_id,
        client_secret=client_secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_PASSWORD,
        name=f"{client_id}-company-{company}",
        user=user,
    )
    return JsonResponse({"company": company, "client_id": client_id, "client_secret": client_secret,
                         "username": username, "password": password})


@csrf_exempt
@require_POST
def set_password(request):
    """Test control only: the API user's password is changed at OmniRetain; its tokens go."""
    body = json.loads(request.body)
    user = get_user_model().objects.get(username=body["username"])
    user.set_password(body["password"])
    user.save()
    RefreshToken.objects.filter(user=user).delete()
    AccessToken.objects.filter(user=user).delete()
    return JsonResponse({"ok": True})


def tokens(request):
    """Test control only: how many live tokens an application has."""
    app = Application.objects.get(client_id=request.GET["client_id"])
    return JsonResponse({
        "access_tokens": AccessToken.objects.filter(application=app).count(),
        "refresh_tokens": RefreshToken.objects.filter(application=app, revoked__isnull=True).count(),
    })
