"""Call recording: rules, the pjsua2 recorders of a call, files, retention and the admin side."""
