"""The core reads caller identity and dialed number out of untrusted SIP text."""

from telephony.sipmsg import caller_identity, clean_text, headers, name_addr, request_uri_user

INVITE = (
    "INVITE sip:1002@127.0.0.1:5070 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
    'f: "Alice \\"A\\"" <sip:1001@pbx>;tag=1\r\n'
    "To: <sip:1002@pbx>\r\n"
    "P-Asserted-Identity: <sip:1001@pbx>\r\n"
    "\r\n"
    "v=0\r\n"
)


def test_request_uri_user_is_the_dialed_number():
    assert request_uri_user(INVITE) == "1002"


def test_compact_header_names_are_expanded():
    assert headers(INVITE)["from"][0].startswith('"Alice')


def test_caller_number_comes_from_p_asserted_identity_and_name_from_from():
    assert caller_identity(INVITE) == ('Alice "A"', "1001")


def test_given_a_spoofed_from_user_then_the_asserted_identity_wins():
    spoof = INVITE.replace("<sip:1001@pbx>;tag=1", "<sip:9999@pbx>;tag=1")
    assert caller_identity(spoof)[1] == "1001"


def test_control_characters_and_overlong_names_are_cleaned():
    name, _user = name_addr('"\x1b[31mEvil\x00' + "x" * 200 + '" <sip:1@a>')
    assert "\x1b" not in name and "\x00" not in name and len(name) == 64
    assert clean_text("a\r\nb") == "ab"


def test_garbage_request_line_gives_no_number():
    assert request_uri_user("garbage") == ""
    assert request_uri_user("INVITE nonsense SIP/2.0\r\n\r\n") == ""
    assert caller_identity("INVITE x SIP/2.0\r\nbroken header line\r\n\r\n") == ("", "")
