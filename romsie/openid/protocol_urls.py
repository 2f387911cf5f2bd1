"""The protocol's URLs, in django-oauth-toolkit's namespace (its views reverse these names).

Only the endpoints the ENT offers: no management pages of the library (the territory registers
clients in its own administration), no implicit or device flow.
"""

from django.urls import path

from . import protocol

app_name = "oauth2_provider"

urlpatterns = [
    path("oauth/authorize/", protocol.AuthorizeView.as_view(), name="authorize"),
    path("oauth/token/", protocol.TokenView.as_view(), name="token"),
    path("oauth/revoke_token/", protocol.RevokeTokenView.as_view(), name="revoke-token"),
    path("oauth/userinfo/", protocol.UserInfoView.as_view(), name="user-info"),
    path("oauth/jwks/", protocol.JwksView.as_view(), name="jwks-info"),
    path(".well-known/openid-configuration", protocol.DiscoveryView.as_view(), name="oidc-connect-discovery-info"),
]
