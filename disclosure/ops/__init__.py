"""Running the service: health for monitors, the operator's configuration check, a test e-mail."""
