"""Wire protocols that several providers share.

- :mod:`smsplug.protocols.activate`: the sms-activate compatible
  ``handler_api.php`` protocol (HeroSMS, SMSBower, GrizzlySMS and many
  private providers).
"""
