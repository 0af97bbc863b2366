#!/usr/bin/env python3
"""django-oauth-toolkit standing in for OmniRetain in Gatehouse's end-to-end tests."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omni.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
