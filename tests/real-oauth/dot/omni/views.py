from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.decorators import protected_resource
from oauth2_provider.models import AccessToken, RefreshToken


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
