-- Accounts and the audit log (DESIGN.md §4). Emails are stored normalised
-- (trimmed, lower-case) by the service; the CHECK keeps anything else out.
CREATE TABLE accounts (
  id            bigserial PRIMARY KEY,
  email         text NOT NULL
                CHECK (email = lower(btrim(email)) AND octet_length(email) BETWEEN 3 AND 254),
  display_name  text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
  -- The encoded PHC string, parameters included ($argon2id$v=19$m=...,t=...,p=...$...).
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  plan_id       text NOT NULL REFERENCES plans (id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT accounts_email_key UNIQUE (email)
);

-- Who did what, for support and compliance. `details` never holds secrets
-- (no passwords, hashes, tokens).
CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  account_id bigint REFERENCES accounts (id) ON DELETE SET NULL,
  event      text NOT NULL CHECK (event ~ '^[a-z][a-z0-9_]{0,63}$'),
  details    jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_account_at ON audit_log (account_id, at);
