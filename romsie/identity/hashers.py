"""Password hashing tuned for a sign-in rush."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class SingleLaneArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with one lane, so one check keeps one core busy.

    Django's default (8 lanes) spreads a check over several threads: on a Monday at
    8:00 the checks of many sign-ins then compete for the same cores and throughput
    stops growing with workers. One lane with the same memory (100 MiB) and passes keeps
    OWASP's recommended strength and lets ``cores / seconds per check`` sign-ins through.
    Hashes made by Django's default hasher still verify (the parameters are stored in
    each hash) and are upgraded at the next sign-in.
    """

    parallelism = 1
