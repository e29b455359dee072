"""Test support, grouped by domain: builders, personas (a field device, a web user), servers."""
