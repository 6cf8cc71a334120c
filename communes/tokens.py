"""API tokens: created and revoked by their owner, stored as a SHA-256 hash, shown once."""

import hashlib
import secrets

from django.utils import timezone

from .models import ApiToken

PREFIX = "ntm_"
LAST_USED_RESOLUTION = 60  # seconds: do not write on every request of a busy script


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user, name):
    """Create a token for ``user``; return (token, key). The key is never stored."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], key_hash=hash_key(key),
                                    prefix=key[:10])
    return token, key


def revoke_token(user, token_id):
    """Revoke one of ``user``'s own tokens; return whether one was revoked."""
    return bool(revoke_tokens(ApiToken.objects.filter(user=user, pk=token_id)))


def revoke_tokens(tokens):
    """Revoke the tokens of the queryset ``tokens`` not yet revoked (the back office's action)."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def user_for_key(key):
    """The active user owning the (unrevoked) key, or None; notes when it was last used."""
    if not key or not key.startswith(PREFIX) or len(key) > 100:
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or (now - token.last_used).total_seconds() > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
