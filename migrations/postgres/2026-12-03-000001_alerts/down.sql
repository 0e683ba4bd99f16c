DROP TABLE job_leases;
DROP TABLE alerts;
DROP TABLE alert_settings;
