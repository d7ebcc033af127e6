"""Signing in to the dashboard with an identity provider (OpenID Connect): Sign in with Slack and Microsoft Entra
ID, matched by email to the org directory (docs/dashboard.md)."""
