"""Identity Center administration: sso-admin, identitystore and organizations, read-only.

``clients`` builds signed clients (from a profile, the environment, or one of the user's own
Identity Center roles) behind one rate limiter; ``context`` adds the instance and the
per-run caches; ``directory``, ``permission_sets`` and ``organizations`` fetch; ``lookup``
answers ``admin lookup``; ``assignments`` enumerates and filters; ``explain`` indexes a
whole instance for the explorer (by account, principal, permission set; why and who).
"""
