"""The customer 360 view: activities, the customer timeline, follow-up tasks and reminders."""
