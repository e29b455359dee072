"""Strings of the field app's repair views (static/js/views-repairs.js), for its catalogue.

webapp/field_strings.py's js_strings() merges them into the strings the app shell carries, so
t("...") in the repair views is translated like the rest of the field app (strings the other
views already use are listed there once).
"""
from __future__ import annotations

from flask_babel import gettext as _


def repair_js_strings() -> dict[str, str]:
    """Every string only the repair views show, keyed by its English text."""
    return {
        "A difficult fault: tell the customer, and the supervisor today.": _("A difficult fault: tell the customer, and the supervisor today."),
        "Accept": _("Accept"),
        "Accepted": _("Accepted"),
        "Action taken": _("Action taken"),
        "Agreed arrival": _("Agreed arrival"),
        "Back from the factory": _("Back from the factory"),
        "Basically satisfied": _("Basically satisfied"),
        "Cause": _("Cause"),
        "Change the kind of fault": _("Change the kind of fault"),
        "Choose the kind of fault.": _("Choose the kind of fault."),
        "Classify": _("Classify"),
        "Customer's opinion": _("Customer's opinion"),
        "Enter the name of the person who signed.": _("Enter the name of the person who signed."),
        "Fault found": _("Fault found"),
        "Fill in the repair form": _("Fill in the repair form"),
        "I have arrived": _("I have arrived"),
        "I told the supervisor": _("I told the supervisor"),
        "Kind of fault": _("Kind of fault"),
        "Let the customer read the repair form, give their opinion and sign.": _("Let the customer read the repair form, give their opinion and sign."),
        "Mine": _("Mine"),
        "Not satisfied": _("Not satisfied"),
        "Parts used": _("Parts used"),
        "Received": _("Received"),
        "Repair form": _("Repair form"),
        "Repair ticket %(number)s": _("Repair ticket %(number)s"),
        "Reported": _("Reported"),
        "Reported by": _("Reported by"),
        "Satisfaction": _("Satisfaction"),
        "Satisfied": _("Satisfied"),
        "Say what fault you found and what you did.": _("Say what fault you found and what you did."),
        "Sent to the factory": _("Sent to the factory"),
        "Service repair form": _("Service repair form"),
        "Sign the repair form": _("Sign the repair form"),
        "Steps": _("Steps"),
        "The customer signs on the pad; enter their name.": _("The customer signs on the pad; enter their name."),
        "This repair ticket is not on this device.": _("This repair ticket is not on this device."),
        "Time on site (minutes)": _("Time on site (minutes)"),
        "Waiting for the customer to approve the quote: the repair may not go on yet.": _("Waiting for the customer to approve the quote: the repair may not go on yet."),
        # The quote on the tablet and the customer's signed decision (views-repairs.quoteDecisionView).
        "%(amount)s yuan": _("%(amount)s yuan"),
        "Amount": _("Amount"),
        "Approve the quote": _("Approve the quote"),
        "Customer's decision on the quote": _("Customer's decision on the quote"),
        "Decline the quote": _("Decline the quote"),
        "Item": _("Item"),
        "Let the customer read the quote, then sign to approve or decline it.": _("Let the customer read the quote, then sign to approve or decline it."),
        "No quote is waiting for the customer's decision.": _("No quote is waiting for the customer's decision."),
        "Qty": _("Qty"),
        "Quote": _("Quote"),
        "Total": _("Total"),
        "Unit price": _("Unit price"),
        # The parts used on the repair form (parts-editor.js); the problems in the server's words.
        "Add a part": _("Add a part"),
        "Part": _("Part"),
        "Remove part %(n)s": _("Remove part %(n)s"),
        "Unit cost (yuan)": _("Unit cost (yuan)"),
        "One line per part: its name, how many and the unit cost. Leave it empty when no part was used.": _("One line per part: its name, how many and the unit cost. Leave it empty when no part was used."),
        "Part %(n)s: enter its name.": _("Part %(n)s: enter its name."),
        "Part %(n)s: the quantity is a whole number from 1 to %(max)s.": _("Part %(n)s: the quantity is a whole number from 1 to %(max)s."),
        "Part %(n)s: the unit cost is an amount in yuan from 0 to %(max)s, with at most two decimals.": _("Part %(n)s: the unit cost is an amount in yuan from 0 to %(max)s, with at most two decimals."),
        "At most %(n)s lines of parts.": _("At most %(n)s lines of parts."),
        "Part %(n)s: give its name, quantity and unit cost.": _("Part %(n)s: give its name, quantity and unit cost."),
    }
