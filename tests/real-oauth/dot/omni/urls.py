from django.urls import path
from oauth2_provider import views as oauth2_views

from . import views

urlpatterns = [
    # OmniRetain's token endpoint (seed 002).
    path("backend/core/authentication/token/", oauth2_views.TokenView.as_view()),
    path("api/v1/member/ping", views.ping),
    path("_control/revoke-all", views.revoke_all),
]
