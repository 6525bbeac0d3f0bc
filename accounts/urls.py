from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/second-factor/", views.verify_second_factor, name="second-factor-verify"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("account/", views.account_security, name="account-security"),
    path("account/second-factor/", views.enrol_second_factor, name="second-factor-enrol"),
    path("account/backup-codes/", views.regenerate_backup_codes, name="backup-codes"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/tokens/", views.token_list, name="token-list"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("account/tokens/all/", views.token_admin_list, name="token-admin-list"),
]
