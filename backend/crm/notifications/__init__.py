"""In-app notifications of a user (reminders today, event fan-out later), optionally e-mailed."""
