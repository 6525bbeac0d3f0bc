"""Print shell exports for the services `make test` should use: PostgreSQL and Redis when they answer.

An explicit DATABASE_URL / REDIS_URL in the environment wins. Creates the `portal` database if missing.
"""

import os
import socket
import sys

PG_URL = "postgres://postgres@127.0.0.1:5432/portal"
REDIS_URL = "redis://127.0.0.1:6379/0"


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def ensure_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def main() -> int:
    exports = {}
    database_url = os.environ.get("DATABASE_URL")
    if not database_url and answers(5432):
        database_url = PG_URL
    if database_url:
        if database_url.startswith("postgres"):
            try:
                ensure_database(database_url)
            except Exception as exc:  # report, let the tests fail loudly on the real connection
                print(f"echo 'cannot prepare PostgreSQL: {exc}' >&2;", end=" ")
        exports["DATABASE_URL"] = database_url
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url and answers(6379):
        redis_url = REDIS_URL
    if redis_url:
        exports["REDIS_URL"] = redis_url
    for name, value in exports.items():
        print(f"export {name}='{value}';", end=" ")
    used = ", ".join(f"{k}={v}" for k, v in exports.items()) or "SQLite, no Redis"
    print(f"echo 'make test: {used}' >&2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
