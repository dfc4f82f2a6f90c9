"""What the browser tests share: signing a demo person in, on a desk-sized or a phone screen."""

DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a phone held upright: narrow, touch, the mobile layout


def sign_in(browser, base_url, username, phone=False, **options):
    """A new browser context signed in as the demo person ``username``; (context, page on the desk).
    ``options`` go to the context (``bypass_csp=True`` lets a test inject a script of its own)."""
    if phone:
        context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, **options)
    else:
        context = browser.new_context(locale="zh-CN", viewport=DESK, **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "xietong-demo")
    page.click("#login-submit")
    page.wait_for_url(f"{base_url}/")
    return context, page
