from django.urls import path
from oauth2_provider import views as oauth2_views

from . import views

urlpatterns = [
    # OmniRetain's token endpoint (seed 002).
    path("backend/core/authentication/token/", oauth2_views.TokenView.as_view()),
    # Django OAuth Toolkit's RFC 7009 view, beside the token view (a connection's deletion).
    path("backend/core/authentication/revoke_token/", oauth2_views.RevokeTokenView.as_view()),
    path("api/v1/member/ping", views.ping),
    path("_control/revoke-all", views.revoke_all),
    path("_control/new-company", views.new_company),
    path("_control/set-password", views.set_password),
    path("_control/tokens", views.tokens),
]
