DROP INDEX decisions_duty_actions;
