DROP TABLE self_conflicts;
DROP TABLE decisions;
DROP TABLE decision_heads;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE companies;
