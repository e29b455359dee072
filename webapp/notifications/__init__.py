"""Notifications inside the app (a bell with a badge and a list), mailed where a server is configured."""
