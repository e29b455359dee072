"""Training (运维人员培训): training sessions with signed attendance, and the month-end seminar."""
