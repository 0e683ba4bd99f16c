-- Secrets every node of the service shares, made once by the first node that starts
-- (the key that seals list cursors).
CREATE TABLE service_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    secret TEXT NOT NULL
);
