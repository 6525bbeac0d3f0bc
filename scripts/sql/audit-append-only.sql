-- The audit tables are append-only for the application's database role (等保 安全审计, issue 12 point 4;
-- docs/adr/0013-tamper-evident-audit.md).
--
-- Run as the owner of the tables (the role that runs `manage.py migrate`), after every migrate:
--
--     psql "$OWNER_DATABASE_URL" -v ON_ERROR_STOP=1 -v app_role=portal_app -f scripts/sql/audit-append-only.sql
--
-- app_role is the login role the web workers and Celery connect as (DATABASE_URL). It gets the ordinary
-- rights on every table of the schema, then loses UPDATE, DELETE and TRUNCATE on the audit tables: it may
-- INSERT (and SELECT) audit records, never rewrite or remove them. `purge_audit` and `restore` run as the
-- owner. The owner itself is not restricted: keep its password with the operators, not in the application.

\if :{?app_role}
\else
  \echo 'usage: psql -v app_role=ROLE -f scripts/sql/audit-append-only.sql'
  \quit
\endif

BEGIN;

GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- The audit records: auditlog's data changes, the security events, and the chain that seals both.
REVOKE UPDATE, DELETE, TRUNCATE ON auditlog_logentry, core_securityevent, core_auditseal FROM :"app_role";
REVOKE UPDATE, DELETE, TRUNCATE ON auditlog_logentry, core_securityevent, core_auditseal FROM PUBLIC;
GRANT SELECT, INSERT ON auditlog_logentry, core_securityevent, core_auditseal TO :"app_role";

COMMIT;
