"""Password hashing tuned for a sign-in rush: Argon2id at OWASP's recommended cost."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class SingleLaneArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with m = 19 MiB, t = 2, p = 1: OWASP's first recommended configuration.

    Django's default (100 MiB, 8 lanes) costs about 190 ms of CPU and 100 MiB per check: on a
    Monday at 8:00, 24 simultaneous sign-ins held 2.4 GiB and the box signed in 9 people a
    second. 19 MiB and 2 passes keep the hash memory-hard at the strength OWASP recommends
    (the same curve as 46 MiB x 1 pass or 12 MiB x 3 passes) for about a tenth of the time
    and a fifth of the memory; one lane keeps one check on one core. The figures and the
    choice are in ``docs/decisions/0006-argon2-cost.md``.

    Hashes made with other parameters (Django's default, the earlier 100 MiB one) still
    verify, since each hash carries its parameters, and are re-hashed with these at the
    person's next sign-in (``must_update``).
    """

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
