def lockout_response(request, credentials, *args, **kwargs):
    pass
