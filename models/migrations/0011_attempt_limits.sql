-- Attempt limits beyond sign-in (models/login_limit.go): bad API tokens and
-- bad emailed-link secrets are counted per address in login_failures too,
-- each kind on its own, so a client stuck on a revoked token cannot stop
-- the people behind the same address from signing in.
ALTER TABLE login_failures ADD COLUMN kind TEXT NOT NULL DEFAULT 'password';
CREATE INDEX login_failures_kind_ip ON login_failures(kind, ip, at);
