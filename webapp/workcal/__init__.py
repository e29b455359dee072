"""The Chinese statutory working calendar: holidays, make-up working days (调休), working-day arithmetic."""
