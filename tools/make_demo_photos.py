"""Paint the demo newsroom's illustrative "photos" (inbox/photos/*.jpg).

Every picture is drawn from shapes by this script: no photographs, no fonts, no text.
Only Pillow is needed. The output is deterministic: each picture has its own fixed
random seed, so re-running the script rewrites identical JPEG files.

    python tools/make_demo_photos.py            # writes assets/demo/inbox/photos/
    python tools/make_demo_photos.py OUT_DIR    # writes somewhere else
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageStat

SS = 2  # draw at twice the size, then downsample: cheap anti-aliasing
QUALITY = 82

SKINS = [(226, 188, 154), (210, 166, 130), (232, 198, 168), (198, 152, 118)]
HAIR_YOUNG = [(28, 26, 26), (42, 34, 30), (55, 42, 34)]
HAIR_OLD = [(150, 150, 148), (196, 196, 192), (120, 118, 116), (60, 56, 54)]
CLOTHES = [
    (58, 82, 130), (120, 40, 44), (70, 110, 90), (150, 120, 80), (90, 90, 98),
    (170, 150, 120), (60, 60, 66), (130, 90, 120), (180, 100, 60), (200, 196, 186),
    (40, 70, 110), (110, 120, 60),
]
PANTS = [(40, 42, 50), (60, 62, 72), (52, 60, 90), (80, 70, 60), (30, 30, 34)]
VEST_RED = (206, 36, 40)


def mix(c1, c2, t):
    return tuple(int(round(a + (b - a) * t)) for a, b in zip(c1, c2, strict=False))


def jitter(c, rng, amount=10):
    return tuple(max(0, min(255, v + rng.randint(-amount, amount))) for v in c)


def _gradient_lines(draw, x0, y0, x1, y1, stops):
    y0s, y1s = int(y0 * SS), int(y1 * SS)
    n = max(1, y1s - y0s)
    for i in range(n):
        t = i / n
        c = stops[-1][1]
        for (ta, ca), (tb, cb) in zip(stops, stops[1:], strict=False):
            if ta <= t <= tb:
                c = mix(ca, cb, (t - ta) / max(1e-6, tb - ta))
                break
        draw.line([(x0 * SS, y0s + i), (x1 * SS, y0s + i)], fill=c)


class Scene:
    """A canvas working in final-pixel coordinates (drawn internally at SS×)."""

    def __init__(self, w, h, seed):
        self.w, self.h = w, h
        self.rng = random.Random(seed)
        self.seed = seed
        self.img = Image.new("RGB", (w * SS, h * SS), (128, 128, 128))
        self.d = ImageDraw.Draw(self.img, "RGBA")

    # ---- primitives -------------------------------------------------------------
    @staticmethod
    def _pts(pts):
        return [(x * SS, y * SS) for x, y in pts]

    @staticmethod
    def _box(x0, y0, x1, y1):
        return [min(x0, x1) * SS, min(y0, y1) * SS, max(x0, x1) * SS, max(y0, y1) * SS]

    def rect(self, x0, y0, x1, y1, fill, outline=None, width=1):
        self.d.rectangle(self._box(x0, y0, x1, y1), fill=fill, outline=outline,
                         width=int(width * SS) if outline else 0)

    def poly(self, pts, fill):
        self.d.polygon(self._pts(pts), fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill):
        self.d.ellipse(self._box(x0, y0, x1, y1), fill=fill)

    def circle(self, cx, cy, r, fill):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill)

    def line(self, pts, fill, width=1.0):
        self.d.line(self._pts(pts), fill=fill, width=max(1, int(round(width * SS))),
                    joint="curve")

    def pieslice(self, x0, y0, x1, y1, start, end, fill):
        self.d.pieslice(self._box(x0, y0, x1, y1), start, end, fill=fill)

    def vgradient(self, x0, y0, x1, y1, stops):
        """Vertical gradient; stops = [(t, colour), ...] with t in 0..1."""
        _gradient_lines(self.d, x0, y0, x1, y1, stops)

    def vgradient_poly(self, pts, stops):
        """Fill a polygon with a vertical gradient (via a mask)."""
        ys = [p[1] for p in pts]
        xs = [p[0] for p in pts]
        layer = Image.new("RGB", self.img.size)
        _gradient_lines(ImageDraw.Draw(layer), min(xs), min(ys), max(xs), max(ys) + 1, stops)
        mask = Image.new("L", self.img.size, 0)
        ImageDraw.Draw(mask).polygon(self._pts(pts), fill=255)
        self.img.paste(layer, (0, 0), mask)

    def glow(self, items, blur):
        """items = [(cx, cy, r, (r,g,b,a)), ...] painted as soft light, blurred together."""
        layer = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        ld = ImageDraw.Draw(layer)
        for cx, cy, r, col in items:
            ld.ellipse(self._box(cx - r, cy - r, cx + r, cy + r), fill=col)
        # blur premultiplied, or the transparent black around each light bleeds in as a dark halo
        layer = layer.convert("RGBa").filter(ImageFilter.GaussianBlur(blur * SS)).convert("RGBA")
        base = self.img.convert("RGBA")
        base.alpha_composite(layer)
        self.img = base.convert("RGB")
        self.d = ImageDraw.Draw(self.img, "RGBA")

    def soften(self, radius):
        """Blur everything drawn so far (used for out-of-focus backgrounds)."""
        self.img = self.img.filter(ImageFilter.GaussianBlur(radius * SS))
        self.d = ImageDraw.Draw(self.img, "RGBA")

    # ---- things -----------------------------------------------------------------
    def tree(self, cx, base_y, size, dark=(46, 78, 44), light=(96, 136, 70)):
        rng = self.rng
        self.line([(cx, base_y), (cx, base_y - size * 0.55)], (70, 56, 44), size * 0.08)
        for _ in range(14):
            ox = rng.uniform(-0.45, 0.45) * size
            oy = rng.uniform(-1.1, -0.45) * size
            r = rng.uniform(0.22, 0.38) * size
            c = mix(dark, light, rng.random() * 0.6)
            self.circle(cx + ox, base_y + oy, r, c)
        for _ in range(6):  # sunlit tufts
            ox = rng.uniform(-0.35, 0.15) * size
            oy = rng.uniform(-1.15, -0.7) * size
            self.circle(cx + ox, base_y + oy, rng.uniform(0.1, 0.2) * size, mix(light, (170, 190, 110), 0.3))

    def house(self, x, ground, w, h, wall=(234, 232, 224), roof=(72, 74, 80), windows=True):
        """A white-walled, grey-roofed village house seen from the front."""
        rng = self.rng
        roof_h = h * 0.22
        self.rect(x, ground - h, x + w, ground, jitter(wall, rng, 6))
        self.rect(x, ground - h * 0.12, x + w, ground, mix(wall, (150, 150, 146), 0.45))  # damp base
        self.poly([(x - w * 0.04, ground - h), (x + w * 1.04, ground - h),
                   (x + w * 0.93, ground - h - roof_h), (x + w * 0.07, ground - h - roof_h)], roof)
        self.line([(x - w * 0.05, ground - h), (x + w * 1.05, ground - h)], mix(roof, (20, 20, 24), 0.5), 2)
        if windows:
            n = max(1, int(w // 45))
            for i in range(n):
                wx = x + w * (i + 0.5) / n
                self.rect(wx - w * 0.06 / max(1, n / 2), ground - h * 0.72, wx + w * 0.06 / max(1, n / 2),
                          ground - h * 0.42, (62, 66, 70))

    def person(self, x, feet, h, *, shirt=None, pants=None, skin=None, hair=None, view="front",
               pose="stand", arms="down", vest=None, coat=None, dress=None, hat=None,
               shadow=True, facing=1, old=False):
        """A simple human figure. h is the standing height in pixels; feet is the ground y."""
        rng = self.rng
        shirt = shirt or rng.choice(CLOTHES)
        pants = pants or rng.choice(PANTS)
        skin = skin or rng.choice(SKINS)
        hair = hair or rng.choice(HAIR_OLD if old else HAIR_YOUNG)
        hw = h * 0.095  # hip half-width
        sw = h * 0.125  # shoulder half-width
        r = h * 0.066  # head radius
        shoe = (34, 30, 30)

        if shadow:
            self.ellipse(x - h * 0.16, feet - h * 0.025, x + h * 0.26, feet + h * 0.03, (0, 0, 0, 55))

        if pose == "bend":
            hip = (x, feet - h * 0.47)
            sh = (x + facing * h * 0.25, hip[1] - h * 0.14)
            for dx in (-h * 0.04, h * 0.03):
                self.line([(hip[0] + dx, hip[1]), (x + dx * 1.3, feet - h * 0.02)], pants, h * 0.075)
                self.ellipse(x + dx * 1.3 - h * 0.04, feet - h * 0.035, x + dx * 1.3 + h * 0.05,
                             feet + h * 0.005, shoe)
            body = vest or shirt
            self.line([hip, sh], body, h * 0.2)
            self.circle(sh[0], sh[1], h * 0.1, body)
            self.circle(*hip, h * 0.095, pants)
            hand = (sh[0] + facing * h * 0.04, feet - h * 0.16)
            self.line([sh, hand], shirt, h * 0.05)
            self.circle(*hand, h * 0.025, skin)
            hc = (sh[0] + facing * h * 0.1, sh[1] - h * 0.02)
            self.circle(hc[0], hc[1], r, hair)
            self.circle(hc[0] + facing * r * 0.25, hc[1] + r * 0.2, r * 0.8, skin)
            if hat:
                self.ellipse(hc[0] - r * 1.8, hc[1] - r * 0.7, hc[0] + r * 1.8, hc[1] + r * 0.1, hat)
                self.ellipse(hc[0] - r * 0.8, hc[1] - r * 1.3, hc[0] + r * 0.8, hc[1] - r * 0.2, hat)
            return

        seated = pose == "sit"
        top = feet - h + (h * 0.27 if seated else 0)
        hipy = top + h * 0.53
        sy = top + h * 0.17

        # legs
        if seated:
            seat = hipy
            self.rect(x - hw * 1.15, seat - h * 0.04, x + hw * 1.15, seat + h * 0.05, pants)
            if view == "front":
                for sgn in (-1, 1):
                    kx = x + sgn * hw * 0.6
                    self.line([(kx, seat + h * 0.03), (kx + sgn * h * 0.01, feet - h * 0.02)], pants, h * 0.07)
                    self.ellipse(kx - h * 0.04, feet - h * 0.035, kx + h * 0.05, feet + h * 0.005, shoe)
        elif not dress:
            for sgn in (-1, 1):
                self.poly([(x + sgn * hw, hipy - h * 0.03), (x + sgn * h * 0.006, hipy - h * 0.03),
                           (x + sgn * h * 0.018, feet - h * 0.02), (x + sgn * (hw - h * 0.015), feet - h * 0.02)],
                          pants)
                fx = x + sgn * hw * 0.55
                self.ellipse(fx - h * 0.045, feet - h * 0.035, fx + h * 0.045, feet + h * 0.005, shoe)

        # torso / garments
        body = vest or coat or dress or shirt
        if dress:
            self.poly([(x - sw * 0.9, sy + h * 0.01), (x + sw * 0.9, sy + h * 0.01),
                       (x + hw * 1.6, feet - h * 0.08), (x - hw * 1.6, feet - h * 0.08)], dress)
            for sgn in (-1, 1):
                fx = x + sgn * hw * 0.5
                self.line([(fx, feet - h * 0.09), (fx, feet - h * 0.02)], skin, h * 0.04)
                self.ellipse(fx - h * 0.04, feet - h * 0.035, fx + h * 0.04, feet + h * 0.005, (150, 20, 30))
        else:
            bottom = top + h * (0.74 if coat and not seated else 0.55)
            bw = hw * (1.25 if coat else 1.0)
            self.poly([(x - sw, sy + h * 0.025), (x - sw * 0.55, sy - h * 0.008), (x + sw * 0.55, sy - h * 0.008),
                       (x + sw, sy + h * 0.025), (x + bw, bottom), (x - bw, bottom)], body)
            self.circle(x - sw * 0.78, sy + h * 0.03, h * 0.045, body)
            self.circle(x + sw * 0.78, sy + h * 0.03, h * 0.045, body)
            if vest and view == "front":  # shirt showing at the neck
                self.poly([(x - h * 0.035, sy - h * 0.005), (x + h * 0.035, sy - h * 0.005), (x, sy + h * 0.09)],
                          shirt)
            if coat and view == "front":
                self.line([(x, sy + h * 0.02), (x, bottom)], mix(coat, (120, 120, 120), 0.4), max(1, h * 0.006))
        sleeve = coat or shirt
        if dress:
            sleeve = dress

        # arms
        ax = sw * 0.92
        shoulder_l, shoulder_r = (x - ax, sy + h * 0.035), (x + ax, sy + h * 0.035)
        if arms == "down":
            hands = [(x - sw - h * 0.02, top + h * 0.5), (x + sw + h * 0.02, top + h * 0.5)]
            if seated:
                hands = [(x - hw * 0.9, hipy + h * 0.01), (x + hw * 0.9, hipy + h * 0.01)]
            elbows = [None, None]
        elif arms == "up":  # both hands raised (dancing, waving)
            hands = [(x - sw - h * 0.13, top - h * 0.02), (x + sw + h * 0.13, top - h * 0.02)]
            elbows = [(x - sw - h * 0.09, sy - h * 0.06), (x + sw + h * 0.09, sy - h * 0.06)]
        elif arms == "gesture":  # one hand raised while speaking
            hands = [(x - sw - h * 0.02, top + h * 0.5), (x + facing * (sw + h * 0.16), sy - h * 0.05)]
            elbows = [None, (x + facing * (sw + h * 0.1), sy + h * 0.12)]
            if facing < 0:
                hands.reverse()
                elbows.reverse()
        elif arms == "table":  # forearms resting forward on a table
            hands = [(x - hw * 0.7, top + h * 0.38), (x + hw * 0.7, top + h * 0.38)]
            elbows = [(x - sw - h * 0.01, top + h * 0.33), (x + sw + h * 0.01, top + h * 0.33)]
        else:
            hands, elbows = [], []
        for sh, el, hd in zip((shoulder_l, shoulder_r), elbows, hands, strict=False):
            pts = [sh, el, hd] if el else [sh, hd]
            self.line(pts, sleeve, h * 0.055)
            self.circle(hd[0], hd[1], h * 0.026, skin)

        # head
        hy = top + r * 1.05
        self.line([(x, hy + r * 0.6), (x, sy)], skin, h * 0.05)
        if view == "back":
            self.ellipse(x - r, hy - r * 1.08, x + r, hy + r * 1.08, hair)
            self.ellipse(x - r * 1.08, hy - r * 0.1, x - r * 0.82, hy + r * 0.35, skin)  # ears
            self.ellipse(x + r * 0.82, hy - r * 0.1, x + r * 1.08, hy + r * 0.35, skin)
        else:
            self.ellipse(x - r, hy - r * 1.1, x + r, hy + r * 0.9, hair)
            self.ellipse(x - r * 0.88, hy - r * 0.72, x + r * 0.88, hy + r * 1.08, skin)
            # a hint of eyes and shade, no detail
            self.ellipse(x - r * 0.45, hy + r * 0.05, x - r * 0.2, hy + r * 0.22, (60, 45, 40, 150))
            self.ellipse(x + r * 0.2, hy + r * 0.05, x + r * 0.45, hy + r * 0.22, (60, 45, 40, 150))
        if hat:
            self.ellipse(x - r * 2.0, hy - r * 0.75, x + r * 2.0, hy + r * 0.05, hat)
            self.ellipse(x - r * 0.9, hy - r * 1.45, x + r * 0.9, hy - r * 0.3, mix(hat, (255, 255, 255), 0.1))

    # ---- output -----------------------------------------------------------------
    def finish(self, path, *, blur=0.35, noise=7, vignette=0.28, tint=None):
        img = self.img.resize((self.w, self.h), Image.LANCZOS)
        if blur:
            img = img.filter(ImageFilter.GaussianBlur(blur))
        if tint:
            img = Image.blend(img, Image.new("RGB", img.size, tint), 0.06)
        if vignette:
            mask = Image.radial_gradient("L").resize(img.size, Image.BICUBIC)
            mask = mask.point(lambda v: int(max(0, v - 90) / 165 * 255 * vignette))
            img = Image.composite(Image.new("RGB", img.size, (10, 8, 6)), img, mask)
        if noise:
            rng = random.Random(self.seed * 7919 + 17)
            grain = Image.frombytes("L", img.size, rng.randbytes(img.size[0] * img.size[1]))
            grain = grain.filter(ImageFilter.GaussianBlur(0.55))
            # rescale the blurred noise so its standard deviation is `noise / 2` grey levels
            k = noise / 2 / max(1.0, ImageStat.Stat(grain).stddev[0])
            grain = grain.point(lambda v: max(0, min(255, 128 + round((v - 128) * k))))
            img = ImageChops.add(img, Image.merge("RGB", (grain, grain, grain)), 1.0, -128)
        img.save(path, "JPEG", quality=QUALITY, optimize=True)


# ---------------------------------------------------------------------------------
def sky(s, horizon, top=(128, 172, 220), bottom=(214, 226, 236)):
    s.vgradient(0, 0, s.w, horizon + 2, [(0, top), (1, bottom)])
    rng = s.rng
    clouds = []
    for _ in range(7):
        cx, cy = rng.uniform(0, s.w), rng.uniform(horizon * 0.1, horizon * 0.6)
        for _ in range(6):
            clouds.append((cx + rng.uniform(-90, 90), cy + rng.uniform(-14, 14), rng.uniform(24, 52),
                           (255, 255, 255, 70)))
    s.glow(clouds, 14)


def perspective_floor(s, horizon, vp_x, y0, y1, base, lines, n=14, spread=3.0):
    s.vgradient(0, y0, s.w, y1, [(0, mix(base, (255, 255, 255), 0.15)), (1, mix(base, (0, 0, 0), 0.1))])
    for i in range(n + 1):  # lines converging to the vanishing point
        bx = vp_x + (i / n - 0.5) * s.w * spread
        s.line([(vp_x + (bx - vp_x) * (y0 - horizon) / (s.h * 1.2 - horizon), y0), (bx, s.h * 1.2)], lines, 1.2)
    y, step = y0, 6
    while y < y1:  # cross joints getting wider towards the viewer
        s.line([(0, y), (s.w, y)], lines, 1.0)
        step *= 1.28
        y += step


def bandeng_ketang(out):
    s = Scene(1280, 853, 101)
    rng = s.rng
    horizon = 360
    sky(s, horizon)
    s.poly([(0, 330), (180, 300), (420, 322), (700, 296), (980, 318), (1280, 300), (1280, 362), (0, 362)],
           (150, 168, 170))
    for x in (-20, 150, 760, 930, 1110):
        s.house(x, 392, rng.uniform(150, 200), rng.uniform(95, 120))
    s.house(330, 400, 420, 150, windows=False)  # village hall
    for i in range(5):
        s.rect(362 + i * 80, 300, 402 + i * 80, 372, (70, 60, 54))
    for tx in (60, 250, 1010, 1220):
        s.tree(tx, 400, rng.uniform(90, 120))
    s.soften(0.9)
    perspective_floor(s, horizon, 640, 392, 853, (186, 178, 164), (150, 142, 130, 120), n=18)
    # banner between two poles with a lectern in front of it
    s.line([(430, 470), (430, 318)], (90, 90, 96), 5)
    s.line([(850, 470), (850, 318)], (90, 90, 96), 5)
    s.rect(432, 326, 848, 368, (196, 28, 34))
    s.rect(432, 326, 848, 331, (226, 70, 60))
    s.glow([(470 + i * 42, 347, 9, (250, 220, 120, 110)) for i in range(9)], 3)
    s.rect(590, 418, 660, 470, (120, 70, 44))
    s.rect(585, 414, 665, 422, (150, 94, 60))
    s.person(700, 472, 122, shirt=(210, 206, 196), pants=(50, 54, 66), arms="gesture", old=True)
    # audience on benches, seen from behind
    for row, feet in enumerate((515, 565, 625, 700, 795, 915)):
        h = (feet - horizon) * 1.02  # eye-level camera: heads stay near the horizon
        x = rng.uniform(-20, 40) + (row % 2) * h * 0.2
        s.rect(-10, feet - h * 0.27, 1290, feet - h * 0.22, (132, 96, 62))
        while x < 1300:
            if rng.random() < 0.88:
                s.person(x, feet, h, view="back", pose="sit", old=rng.random() < 0.55, shadow=False)
            x += h * rng.uniform(0.36, 0.48)
        s.rect(-10, feet - h * 0.24, 1290, feet - h * 0.19, (150, 110, 72))
    s.finish(out, tint=(255, 220, 170))


def wenming_loudao(out):
    s = Scene(853, 1280, 102)
    rng = s.rng
    bx0, bx1, by0, by1 = 250, 600, 300, 760  # back wall
    wall, dado = (232, 226, 210), (128, 164, 138)
    s.vgradient_poly([(0, 0), (bx0, by0), (bx0, by1), (0, 1280)], [(0, (214, 206, 190)), (1, (196, 188, 172))])
    s.vgradient_poly([(853, 0), (bx1, by0), (bx1, by1), (853, 1280)], [(0, (224, 218, 202)), (1, (206, 198, 182))])
    s.poly([(0, 0), (853, 0), (bx1, by0), (bx0, by0)], (242, 240, 232))
    s.rect(bx0, by0, bx1, by1, wall)
    # green dado on the side walls and back wall
    s.poly([(0, 880), (bx0, 600), (bx0, by1), (0, 1280)], mix(dado, (0, 0, 0), 0.12))
    s.poly([(853, 880), (bx1, 600), (bx1, by1), (853, 1280)], dado)
    s.rect(bx0, 640, bx1, by1, dado)
    # window on the landing with daylight
    s.rect(335, 360, 515, 590, (250, 250, 244))
    s.glow([(425, 470, 160, (255, 250, 230, 120))], 40)
    for xx in (335, 425, 515):
        s.line([(xx, 360), (xx, 590)], (150, 150, 146), 5)
    for yy in (360, 475, 590):
        s.line([(335, yy), (515, yy)], (150, 150, 146), 5)
    # ceiling lamp
    s.ellipse(395, 120, 455, 140, (255, 252, 236))
    s.glow([(425, 135, 60, (255, 246, 210, 140))], 22)
    # steps climbing to the landing
    n = 11
    ys = [1280 - (1280 - by1) * (1 - (1 - i / n) ** 1.6) for i in range(n + 1)]
    for i in range(n):
        yb, yt = ys[i], ys[i + 1]
        t_b = (yb - by1) / (1280 - by1)
        t_t = (yt - by1) / (1280 - by1)
        lb, rb = bx0 - bx0 * t_b - 60 * t_b, bx1 + (853 - bx1) * t_b + 60 * t_b
        lt, rt = bx0 - bx0 * t_t - 60 * t_t, bx1 + (853 - bx1) * t_t + 60 * t_t
        mid = yb - (yb - yt) * 0.55
        s.poly([(lb, yb), (rb, yb), (rt, mid), (lt, mid)], (176, 174, 168))  # riser
        s.poly([(lt, mid), (rt, mid), (rt, yt), (lt, yt)], (206, 204, 198))  # tread
        s.line([(lt, yt), (rt, yt)], (120, 118, 112), 2)
        # terrazzo speckles
        for _ in range(int(30 * (1 - t_t) + 8)):
            px = rng.uniform(lt, rt)
            py = rng.uniform(yt, mid)
            s.circle(px, py, rng.uniform(0.6, 1.8), (150, 148, 140, 160))
    # handrail on the left, with balusters
    s.line([(0, 980), (bx0 - 10, 640)], (110, 70, 44), 12)
    for i in range(9):
        t = i / 8
        xx = (bx0 - 10) * t
        ytop = 980 - (980 - 640) * t
        s.line([(xx, ytop), (xx, ytop + 150 - 60 * t)], (70, 70, 74), 4 - 2 * t)
    # notice board with pinned sheets (blank) on the right wall
    s.poly([(690, 430), (790, 380), (790, 620), (690, 640)], (40, 96, 160))
    for k, (a, b) in enumerate(((0.12, 0.45), (0.55, 0.88))):
        x0 = 690 + 100 * a
        x1 = 690 + 100 * b
        s.poly([(x0, 440 - 50 * a + 8), (x1, 440 - 50 * b + 8), (x1, 600 - 20 * b), (x0, 600 - 20 * a)],
               (244, 242, 234) if k == 0 else (250, 232, 200))
    # potted plants on the landing
    for px in (285, 560):
        s.poly([(px - 22, by1 - 50), (px + 22, by1 - 50), (px + 16, by1 - 2), (px - 16, by1 - 2)], (150, 86, 56))
        for _ in range(18):
            s.circle(px + rng.uniform(-34, 34), by1 - 60 - rng.uniform(0, 70), rng.uniform(10, 20),
                     jitter((64, 120, 60), rng, 22))
    s.finish(out, tint=(255, 236, 200))


def huitang_xuanjiang(out):
    s = Scene(1280, 853, 103)
    rng = s.rng
    s.vgradient(0, 0, 1280, 853, [(0, (70, 64, 60)), (1, (120, 110, 100))])
    s.poly([(0, 0), (1280, 0), (1080, 110), (200, 110)], (214, 208, 198))  # ceiling
    s.poly([(0, 0), (200, 110), (200, 470), (0, 853)], (196, 186, 170))  # side walls
    s.poly([(1280, 0), (1080, 110), (1080, 470), (1280, 853)], (206, 196, 180))
    for i in range(3):  # windows in the side walls
        t0, t1 = 0.15 + i * 0.28, 0.3 + i * 0.28
        for side in (0, 1):
            if side == 0:
                x0, x1 = 200 * (1 - t0), 200 * (1 - t1)
            else:
                x0, x1 = 1080 + 200 * t0, 1080 + 200 * t1
            s.poly([(x0, 150 - 120 * t0 + 120 * (1 - t0) * 0.2), (x1, 150 - 120 * t1 + 120 * (1 - t1) * 0.2),
                    (x1, 360 + 200 * (1 - t1)), (x0, 360 + 200 * (1 - t0))], (236, 238, 236))
    # red stage backdrop with folds
    for i in range(44):
        x = 200 + i * 20
        s.rect(x, 110, x + 20, 420, mix((150, 18, 28), (196, 40, 46), 0.5 + 0.5 * math.sin(i * 1.3)))
    s.rect(200, 110, 1080, 136, (200, 160, 70))
    s.rect(420, 170, 860, 300, (176, 28, 36))  # hung banner (no lettering)
    s.glow([(460 + i * 40, 235, 11, (250, 224, 130, 120)) for i in range(10)], 3)
    s.rect(180, 420, 1100, 470, (120, 76, 48))  # stage front
    s.rect(180, 416, 1100, 424, (160, 110, 70))
    for fx in range(200, 1100, 46):  # potted flowers along the stage edge
        s.circle(fx + 20, 412, 16, jitter((220, 120, 40), rng, 30))
        s.circle(fx + 8, 406, 10, (70, 120, 60))
    s.rect(760, 330, 840, 420, (110, 66, 40))
    s.person(720, 420, 200, shirt=(46, 52, 70), pants=(40, 40, 48), arms="gesture", facing=1)
    s.rect(760, 330, 840, 420, (110, 66, 40))
    s.rect(752, 324, 848, 334, (140, 90, 56))
    lights = [(x, 60 + 10 * (k % 2), 14, (255, 248, 220, 200)) for k, x in enumerate(range(260, 1040, 110))]
    s.glow(lights, 6)
    s.glow([(640, 280, 380, (255, 230, 200, 40))], 60)
    # audience rows, from the back of the hall
    for row, (feet, h) in enumerate([(520, 120), (560, 150), (610, 185), (670, 225), (745, 272), (840, 330),
                                    (960, 400)]):
        x = 200 - row * 40 + rng.uniform(0, 30)
        while x < 1100 + row * 40:
            if rng.random() < 0.9:
                s.person(x, feet, h, view="back", pose="sit", old=rng.random() < 0.4, shadow=False)
            x += h * rng.uniform(0.34, 0.42)
        s.rect(0, feet - h * 0.3, 1280, feet - h * 0.14, (70, 40, 42))  # chair backs
        s.rect(0, feet - h * 0.3, 1280, feet - h * 0.28, (96, 58, 58))
    s.finish(out, tint=(255, 210, 170), vignette=0.4)


def tianjian_peixun(out):
    s = Scene(1280, 853, 104)
    rng = s.rng
    horizon = 340
    sky(s, horizon, top=(120, 166, 214), bottom=(222, 228, 226))
    for x in range(-40, 1320, 60):
        s.tree(x + rng.uniform(-20, 20), horizon + 8, rng.uniform(40, 70))
    s.house(860, horizon + 6, 120, 60)
    s.house(1010, horizon + 10, 90, 50)
    s.soften(1.2)
    s.vgradient(0, horizon + 4, 1280, 853, [(0, (168, 150, 102)), (0.4, (150, 128, 84)), (1, (120, 98, 64))])
    for i in range(-30, 31):  # drill rows converging to the horizon
        s.line([(640 + i * 6, horizon + 4), (640 + i * 110, 900)], (116, 134, 70, 120), 1.5)
    for _ in range(2600):  # rice stubble
        y = horizon + 6 + (853 - horizon) * rng.random() ** 1.6
        k = (y - horizon) / (853 - horizon)
        x = rng.uniform(-20, 1300)
        ln = 3 + 16 * k
        s.line([(x, y), (x + rng.uniform(-2, 2) * k, y - ln)], jitter((206, 182, 120), rng, 20), 0.6 + 1.6 * k)
    s.line([(0, 520), (1280, 470)], (110, 126, 140), 6)  # field ditch with water
    # farmers standing around the expert
    group = [(360, 600, 250), (460, 590, 245), (560, 585, 240), (790, 588, 242), (890, 596, 248),
             (990, 612, 260), (430, 700, 300), (1090, 690, 300)]
    for gx, gy, gh in sorted(group, key=lambda g: g[1]):
        s.person(gx, gy, gh, hat=(214, 190, 120) if rng.random() < 0.5 else None,
                 old=rng.random() < 0.5, arms="down", view="back" if gy > 650 else "front")
    s.person(680, 640, 290, shirt=(60, 96, 150), pants=(60, 64, 70), arms="gesture", facing=-1)
    # a crop-spraying drone on the ground
    s.line([(735, 660), (815, 630)], (60, 62, 68), 5)
    s.line([(735, 630), (815, 660)], (60, 62, 68), 5)
    s.rect(760, 635, 790, 655, (220, 222, 226))
    for px, py in ((735, 660), (815, 630), (735, 630), (815, 660)):
        s.ellipse(px - 16, py - 3, px + 16, py + 3, (40, 40, 44))
    s.finish(out, tint=(255, 226, 170))


def jiankang_yizhen(out):
    s = Scene(1280, 853, 105)
    s.vgradient(0, 0, 1280, 420, [(0, (238, 236, 230)), (1, (226, 222, 214))])  # clinic wall
    s.rect(0, 330, 1280, 360, (60, 120, 190))
    for wx in (90, 420, 980):
        s.rect(wx, 90, wx + 180, 290, (110, 138, 160))
        s.line([(wx + 90, 90), (wx + 90, 290)], (220, 220, 220), 5)
    s.rect(700, 120, 860, 420, (130, 90, 60))  # door
    s.soften(0.8)
    s.vgradient(0, 420, 1280, 853, [(0, (176, 172, 164)), (1, (142, 138, 130))])
    # canopy
    s.poly([(120, 70), (1160, 70), (1220, 150), (60, 150)], (236, 240, 246))
    for i in range(10):
        s.poly([(120 + i * 104, 70), (172 + i * 104, 70), (178 + i * 116, 150), (60 + i * 116 + 2, 150)],
               (46, 104, 186))
    for px in (70, 1210):
        s.line([(px, 150), (px, 640)], (180, 184, 190), 8)
    # doctors behind the table
    for dx in (300, 540, 780, 1000):
        s.person(dx, 560, 250, pose="sit", coat=(246, 246, 244), shirt=(246, 246, 244), arms="table",
                 shadow=False)
    s.rect(180, 470, 1120, 490, (58, 110, 176))
    s.poly([(180, 490), (1120, 490), (1140, 640), (160, 640)], (46, 96, 160))
    for tx in (270, 500, 760, 960):  # devices and leaflets on the table
        s.rect(tx, 452, tx + 60, 474, (232, 234, 236))
        s.rect(tx + 70, 462, tx + 110, 474, (250, 248, 240))
    s.rect(640, 440, 660, 474, (240, 240, 240))
    # villagers in front, and a queue on the right
    for vx, vh in ((360, 330), (620, 350), (880, 330)):
        s.rect(vx - 40, 770, vx + 40, 800, (200, 80, 50))
        s.person(vx, 853 + 40, vh * 1.3, view="back", pose="sit", old=True, shadow=False)
    for qx, qy, qh in ((1160, 690, 300), (1230, 700, 310)):
        s.person(qx, qy, qh, old=True)
    s.person(90, 700, 300, old=True, arms="down")
    s.finish(out, tint=(210, 226, 255))


def nongjia_shuwu(out):
    s = Scene(1280, 853, 106)
    rng = s.rng
    s.vgradient(0, 0, 1280, 853, [(0, (222, 214, 196)), (1, (186, 176, 160))])
    s.rect(0, 0, 1280, 60, (236, 232, 222))
    s.glow([(400, 40, 30, (255, 250, 230, 200)), (880, 40, 30, (255, 250, 230, 200))], 12)
    # back shelves packed with books
    sx0, sx1, sy0, sy1 = 200, 1180, 90, 520
    s.rect(sx0 - 14, sy0 - 14, sx1 + 14, sy1 + 10, (120, 82, 50))
    shelf_h = (sy1 - sy0) / 5
    for r in range(5):
        y_bottom = sy0 + (r + 1) * shelf_h
        x = sx0
        s.rect(sx0, y_bottom - shelf_h, sx1, y_bottom, (92, 60, 36))
        while x < sx1 - 6:
            bw = rng.uniform(8, 20)
            bh = shelf_h * rng.uniform(0.62, 0.9)
            c = rng.choice([(180, 50, 44), (40, 90, 150), (230, 200, 120), (60, 120, 80), (236, 232, 220),
                            (210, 120, 50), (120, 60, 110), (50, 50, 60), (90, 160, 190)])
            c = jitter(c, rng, 18)
            if rng.random() < 0.04:  # a leaning book
                s.poly([(x, y_bottom - 4), (x + bw, y_bottom - 4), (x + bw + bh * 0.4, y_bottom - bh),
                        (x + bh * 0.4, y_bottom - bh)], c)
                x += bw + bh * 0.4
            else:
                s.rect(x, y_bottom - 4 - bh, x + bw, y_bottom - 4, c)
                s.line([(x + bw * 0.5, y_bottom - bh * 0.8), (x + bw * 0.5, y_bottom - bh * 0.6)],
                       (250, 240, 200, 90), 2)
            x += bw + rng.uniform(0.5, 2)
        s.rect(sx0, y_bottom - 5, sx1, y_bottom + 2, (140, 100, 64))
    for x in range(sx0, sx1 + 1, 245):
        s.rect(x - 5, sy0 - 10, x + 5, sy1 + 4, (120, 82, 50))
    # window on the left
    s.poly([(0, 80), (150, 120), (150, 470), (0, 520)], (236, 242, 236))
    s.glow([(60, 300, 140, (255, 252, 236, 110))], 40)
    s.line([(75, 100), (75, 495)], (170, 160, 150), 6)
    s.soften(0.7)
    s.vgradient(0, 520, 1280, 853, [(0, (188, 168, 138)), (1, (160, 138, 108))])
    # reading table with children around it
    kids = [(380, 732, 220, "front"), (560, 728, 215, "front"), (760, 732, 220, "front"), (940, 736, 225, "front")]
    for kx, ky, kh, view in kids:
        s.person(kx, ky, kh, pose="sit", arms="table", view=view, shadow=False,
                 shirt=rng.choice([(230, 90, 80), (80, 150, 210), (250, 200, 80), (120, 180, 120)]))
    s.poly([(220, 640), (1100, 640), (1200, 760), (120, 760)], (176, 122, 74))
    s.rect(120, 760, 1200, 776, (130, 86, 50))
    for bx in (330, 520, 720, 900):  # open books
        s.poly([(bx, 660), (bx + 46, 654), (bx + 92, 660), (bx + 96, 690), (bx + 46, 684), (bx - 4, 690)],
               (248, 246, 238))
        s.line([(bx + 46, 654), (bx + 46, 684)], (190, 186, 176), 2)
    for kx, kh in ((300, 420), (980, 440)):
        s.person(kx, 853 + 140, kh, view="back", pose="sit", shadow=False,
                 shirt=rng.choice([(200, 60, 70), (60, 110, 180)]))
    s.finish(out, tint=(255, 222, 180))


def guangchang_wu(out):
    s = Scene(1280, 853, 107)
    rng = s.rng
    horizon = 380
    s.vgradient(0, 0, 1280, horizon, [(0, (22, 30, 64)), (0.7, (70, 60, 96)), (1, (190, 120, 90))])
    lit = []
    x = -20
    while x < 1300:  # apartment blocks with lit windows
        bw, bh = rng.uniform(110, 190), rng.uniform(120, 260)
        s.rect(x, horizon - bh, x + bw - 10, horizon + 10, jitter((40, 42, 58), rng, 6))
        for wy in range(int(horizon - bh + 14), horizon, 22):
            for wx in range(int(x + 10), int(x + bw - 22), 20):
                if rng.random() < 0.42:
                    s.rect(wx, wy, wx + 9, wy + 11, jitter((250, 214, 140), rng, 20))
                    lit.append((wx + 4, wy + 5, 7, (255, 210, 140, 40)))
        x += bw
    s.glow(lit, 4)
    s.soften(0.9)
    s.vgradient(0, horizon, 1280, 853, [(0, (70, 64, 70)), (1, (104, 92, 88))])
    perspective_floor(s, horizon, 640, horizon + 2, 853, (96, 88, 90), (60, 56, 60, 90), n=20)
    lamps = []
    for lx in (80, 420, 860, 1200):
        s.line([(lx, 560), (lx, 300)], (40, 40, 46), 6)
        s.circle(lx, 296, 12, (255, 240, 200))
        lamps.append((lx, 296, 90, (255, 214, 150, 110)))
        lamps.append((lx, 620, 160, (255, 200, 140, 30)))
    s.glow(lamps, 30)
    # three rows of dancers with fans, all in matching tops
    top, fan = (200, 34, 46), (240, 90, 110)
    rows = [(500, 170, 8), (600, 210, 7), (720, 260, 6)]
    for feet, h, n in rows:
        for i in range(n):
            dx = 140 + i * (1000 / max(1, n - 1)) + rng.uniform(-12, 12)
            s.person(dx, feet, h, shirt=top, pants=(24, 24, 28), arms="up", old=rng.random() < 0.4,
                     shadow=True)
            for sgn in (-1, 1):
                hx, hy = dx + sgn * (h * 0.125 + h * 0.13), feet - h - h * 0.02
                s.pieslice(hx - h * 0.14, hy - h * 0.14, hx + h * 0.14, hy + h * 0.14,
                           200 if sgn < 0 else 250, 290 if sgn < 0 else 340, fan)
    for sx in (40, 260, 1010, 1230):  # a few spectators at the front edge, in shadow
        s.person(sx + rng.uniform(-20, 20), 853 + 150, 480, view="back", shadow=False,
                 shirt=jitter((50, 50, 60), rng, 14), old=rng.random() < 0.5)
    s.finish(out, noise=7, vignette=0.45)


def hedao_qingjie(out):
    s = Scene(1280, 853, 108)
    rng = s.rng
    horizon = 300
    sky(s, horizon, top=(150, 186, 222), bottom=(226, 230, 228))
    for x in range(-30, 1320, 70):
        s.tree(x + rng.uniform(-20, 20), horizon + 10, rng.uniform(50, 80))
    for hx in (180, 520, 900):
        s.house(hx, horizon + 16, 110, 60)
    s.poly([(560, 316), (600, 270), (680, 270), (720, 316)], (160, 156, 150))  # old stone bridge
    s.ellipse(598, 288, 682, 350, (126, 150, 160))
    s.soften(1.0)
    # water with reflections
    s.vgradient(0, 316, 1280, 560, [(0, (120, 146, 156)), (1, (76, 104, 112))])
    ref = s.img.crop((0, 180 * SS, 1280 * SS, 316 * SS)).transpose(Image.FLIP_TOP_BOTTOM)
    ref = ref.resize((1280 * SS, 130 * SS)).filter(ImageFilter.GaussianBlur(6))
    mask = Image.new("L", ref.size, 80)
    s.img.paste(ref, (0, 316 * SS), mask)
    s.d = ImageDraw.Draw(s.img, "RGBA")
    for _ in range(220):  # ripples
        y = rng.uniform(320, 560)
        x = rng.uniform(-40, 1280)
        ln = 10 + 60 * (y - 316) / 244
        s.line([(x, y), (x + ln, y)], (230, 240, 240, 70), 1.2)
    for _ in range(7):  # floating litter
        x, y = rng.uniform(100, 1200), rng.uniform(400, 540)
        s.ellipse(x, y, x + 14, y + 6, rng.choice([(240, 240, 236), (60, 130, 200), (220, 60, 50)]))
    # near bank with grass and reeds
    s.poly([(0, 560), (1280, 530), (1280, 853), (0, 853)], (110, 122, 70))
    s.vgradient_poly([(0, 575), (1280, 545), (1280, 853), (0, 853)], [(0, (126, 136, 78)), (1, (92, 100, 56))])
    for _ in range(900):
        x = rng.uniform(0, 1280)
        y = rng.uniform(548, 853)
        s.line([(x, y), (x + rng.uniform(-6, 6), y - rng.uniform(8, 30))], jitter((150, 150, 90), rng, 24), 1.4)
    for _ in range(80):  # reeds along the water
        x = rng.uniform(0, 1280)
        y = 560 - x * 0.023
        hgt = rng.uniform(40, 110)
        s.line([(x, y), (x + rng.uniform(-12, 12), y - hgt)], (190, 176, 120), 2)
        s.ellipse(x - 4, y - hgt - 14, x + 6, y - hgt + 4, (210, 196, 160))
    # volunteers in red vests
    vols = [(260, 640, 240, "bend", 1), (470, 615, 220, "stand", 1), (700, 660, 260, "bend", -1),
            (910, 625, 230, "stand", -1), (1110, 700, 300, "bend", -1)]
    for vx, vy, vh, pose, f in vols:
        s.person(vx, vy, vh, vest=VEST_RED, pose=pose, facing=f, hat=(240, 240, 236) if pose == "bend" else None)
        if pose == "stand":  # long-handled net reaching to the water
            s.line([(vx + f * vh * 0.15, vy - vh * 0.5), (vx + f * vh * 0.8, vy - vh * 0.05 - 40)],
                   (150, 120, 80), 4)
            s.ellipse(vx + f * vh * 0.8 - 22, vy - vh * 0.05 - 50, vx + f * vh * 0.8 + 22, vy - vh * 0.05 - 30,
                      (60, 60, 60, 160))
    for bx, by in ((360, 660), (820, 690), (1000, 720)):  # rubbish bags
        s.ellipse(bx - 30, by - 50, bx + 30, by + 6, (40, 44, 48))
        s.ellipse(bx - 10, by - 60, bx + 10, by - 42, (40, 44, 48))
    s.finish(out, tint=(220, 236, 255))


def shijiandian_24h(out):
    s = Scene(853, 1280, 109)
    rng = s.rng
    s.vgradient(0, 0, 853, 760, [(0, (10, 14, 34)), (0.8, (30, 36, 70)), (1, (60, 56, 80))])
    lit = []
    for bx, bw, bh in ((0, 260, 420), (240, 300, 520), (560, 300, 380)):  # apartment blocks behind
        s.rect(bx, 760 - bh, bx + bw, 760, (26, 28, 40))
        for wy in range(760 - bh + 20, 740, 34):
            for wx in range(bx + 16, bx + bw - 20, 30):
                if rng.random() < 0.35:
                    s.rect(wx, wy, wx + 12, wy + 16, jitter((240, 200, 130), rng, 20))
                    lit.append((wx + 6, wy + 8, 8, (255, 200, 130, 40)))
    s.glow(lit, 4)
    s.soften(1.2)
    s.vgradient(0, 760, 853, 1280, [(0, (40, 40, 50)), (1, (70, 66, 70))])
    # the small practice hut (converted gatehouse) with warm light
    s.rect(170, 560, 700, 600, (200, 196, 190))  # roof slab
    s.rect(190, 600, 680, 900, (218, 212, 200))
    s.rect(220, 630, 520, 860, (255, 214, 146))  # big window
    for k in range(4):  # bookshelves seen inside
        s.rect(236, 650 + k * 52, 380, 656 + k * 52, (150, 96, 50))
        x = 240
        while x < 376:
            w = rng.uniform(5, 10)
            s.rect(x, 650 + k * 52 - rng.uniform(26, 40), x + w, 650 + k * 52,
                   jitter(rng.choice([(200, 70, 60), (60, 100, 160), (230, 200, 120), (70, 130, 90)]), rng, 20))
            x += w + 1
    s.person(450, 860, 190, shirt=(120, 60, 50), shadow=False, view="back")
    s.rect(560, 660, 650, 900, (250, 200, 130))  # open door
    s.line([(220, 745), (520, 745)], (190, 150, 100), 4)
    s.line([(370, 630), (370, 860)], (190, 150, 100), 6)
    s.glow([(370, 745, 240, (255, 196, 120, 90)), (605, 780, 120, (255, 200, 130, 80)),
            (420, 980, 260, (255, 190, 110, 45))], 50)
    # street lamp
    s.line([(760, 1040), (760, 420)], (30, 30, 36), 9)
    s.line([(760, 430), (700, 430)], (30, 30, 36), 6)
    s.ellipse(680, 426, 722, 440, (255, 246, 220))
    s.glow([(700, 440, 110, (255, 236, 190, 100)), (700, 980, 200, (255, 220, 160, 30))], 30)
    # a delivery rider's e-bike parked outside
    for wx in (150, 280):
        s.circle(wx, 1010, 38, (20, 20, 24))
        s.circle(wx, 1010, 24, (60, 60, 66))
    s.line([(150, 1010), (210, 960), (280, 1010)], (200, 70, 40), 10)
    s.rect(170, 930, 250, 962, (230, 180, 40))
    s.line([(250, 930), (270, 900)], (30, 30, 36), 6)
    # wet pavement reflection
    s.glow([(370, 1100, 90, (255, 200, 130, 50)), (700, 1160, 60, (255, 230, 180, 40))], 24)
    s.finish(out, noise=10, vignette=0.4)


def laonian_shitang(out):
    s = Scene(1280, 853, 110)
    rng = s.rng
    s.vgradient(0, 0, 1280, 853, [(0, (236, 232, 222)), (1, (206, 200, 188))])
    s.poly([(0, 0), (1280, 0), (1000, 120), (280, 120)], (246, 244, 238))  # ceiling
    s.rect(280, 120, 1000, 400, (228, 222, 208))  # back wall
    s.poly([(0, 0), (280, 120), (280, 400), (0, 853)], (220, 214, 198))  # left wall with windows
    for i in range(3):
        t0, t1 = 0.08 + 0.31 * i, 0.28 + 0.31 * i
        s.poly([(280 * t0, 120 * t0 + 60 * (1 - t0)), (280 * t1, 120 * t1 + 60 * (1 - t1)),
                (280 * t1, 340 + 330 * (1 - t1)), (280 * t0, 340 + 330 * (1 - t0))], (244, 248, 246))
    s.glow([(120, 330, 180, (255, 252, 236, 90))], 50)
    s.poly([(1280, 0), (1000, 120), (1000, 400), (1280, 853)], (230, 224, 210))
    s.rect(1080, 260, 1200, 560, (160, 120, 84))  # side door
    # serving counter with kitchen staff
    for kx in (520, 640, 760):
        s.person(kx, 400, 150, coat=(248, 248, 246), shirt=(248, 248, 246), shadow=False,
                 hat=(250, 250, 250))
    s.rect(420, 300, 860, 400, (188, 194, 198))
    s.rect(420, 292, 860, 304, (170, 176, 180))
    for k in range(5):  # food pans on the counter
        s.rect(450 + k * 82, 284, 520 + k * 82, 296, rng.choice([(190, 120, 60), (110, 150, 70), (220, 200, 150)]))
    lights = [(640 + dx * (1 - k * 0.2), 30 + k * 24, 16 - k * 3, (255, 250, 230, 220))
              for k in range(4) for dx in (-300, 0, 300)]
    s.glow(lights, 5)
    s.soften(0.6)
    s.vgradient_poly([(280, 400), (1000, 400), (1280, 853), (0, 853)], [(0, (196, 188, 172)), (1, (170, 160, 144))])
    # rows of long tables across the room: diners behind each table face the camera
    horizon = 330
    for feet in (470, 560, 690):
        h = (feet - horizon) * 1.5
        x = 200 + rng.uniform(-20, 20) - (feet - 470) * 0.8
        right = 1080 + (feet - 470) * 0.8
        while x < right:
            if rng.random() < 0.8:
                s.person(x, feet, h, pose="sit", arms="table", old=True, shadow=False)
            x += h * rng.uniform(0.42, 0.55)
        top = feet - h * 0.35  # table top at elbow height of the seated diners
        left, width = 150 - (feet - 470) * 0.9, 980 + (feet - 470) * 1.8
        s.rect(left, top, left + width, top + h * 0.05, (226, 214, 190))  # table top edge-on
        s.poly([(left, top + h * 0.05), (left + width, top + h * 0.05), (left + width - 8, top + h * 0.09),
                (left + 8, top + h * 0.09)], (180, 164, 140))
        for lx in (left + 20, left + width - 20):
            s.line([(lx, top + h * 0.09), (lx, feet - h * 0.2)], (120, 120, 126), max(2, h * 0.02))
        x = left + 60
        while x < left + width - 60:  # trays with two dishes and rice
            w = h * 0.2
            s.rect(x, top - w * 0.12, x + w, top + h * 0.01, (200, 204, 208))
            s.ellipse(x + w * 0.05, top - w * 0.2, x + w * 0.35, top - w * 0.02, (170, 96, 52))
            s.ellipse(x + w * 0.38, top - w * 0.2, x + w * 0.66, top - w * 0.02, (100, 150, 70))
            s.ellipse(x + w * 0.7, top - w * 0.24, x + w * 0.95, top - w * 0.02, (246, 244, 238))
            x += h * rng.uniform(0.42, 0.55)
    for bx, bh in ((260, 460), (700, 480), (1060, 470)):  # diners nearest the camera, seen from behind
        s.person(bx, 853 + 170, bh, pose="sit", view="back", old=True, shadow=False)
    s.finish(out, tint=(255, 236, 200))


def hunshi_xinban(out):
    s = Scene(1280, 853, 111)
    rng = s.rng
    sky(s, 180, top=(150, 190, 228), bottom=(222, 230, 236))
    s.rect(0, 120, 1280, 470, (238, 236, 228))  # courtyard wall
    s.poly([(-20, 120), (1300, 120), (1280, 80), (0, 80)], (70, 72, 80))  # tiled coping
    for x in range(0, 1280, 14):
        s.line([(x, 82), (x + 4, 120)], (50, 52, 58), 2)
    s.rect(540, 200, 740, 470, (110, 70, 46))  # doorway
    s.rect(530, 190, 750, 208, (80, 60, 50))
    s.rect(600, 220, 680, 300, (200, 40, 40))  # paper cut on the door, a plain red square
    s.rect(0, 440, 1280, 470, (200, 196, 186))
    s.soften(0.6)
    s.vgradient(0, 470, 1280, 853, [(0, (170, 166, 158)), (1, (140, 136, 128))])
    for i in range(12):  # stone slabs
        s.line([(0, 470 + i * i * 3.2), (1280, 470 + i * i * 3.2)], (120, 116, 110, 120), 1.5)
    # strings of red lanterns
    glows = []
    for row, (y0, sag) in enumerate(((150, 40), (220, 30))):
        pts = [(x, y0 + sag * math.sin(math.pi * x / 1280)) for x in range(-20, 1301, 40)]
        s.line(pts, (60, 50, 40), 2)
        for x in range(60 + row * 60, 1280, 160):
            y = y0 + sag * math.sin(math.pi * x / 1280)
            s.line([(x, y), (x, y + 16)], (60, 50, 40), 2)
            s.ellipse(x - 24, y + 16, x + 24, y + 58, (214, 30, 36))
            s.rect(x - 12, y + 12, x + 12, y + 18, (220, 180, 60))
            s.rect(x - 12, y + 56, x + 12, y + 62, (220, 180, 60))
            s.line([(x, y + 62), (x, y + 84)], (230, 190, 70), 3)
            glows.append((x, y + 37, 40, (255, 80, 60, 70)))
    s.glow(glows, 14)
    # the couple in front of the doorway, then the round tables with red cloths and guests
    s.person(608, 560, 300, shirt=(30, 30, 36), pants=(26, 26, 30), arms="down")
    s.person(682, 562, 282, dress=(210, 24, 40), hair=(20, 18, 18), arms="down")
    tables = [(220, 560, 150), (1060, 560, 150), (380, 720, 220), (920, 730, 220)]
    for tx, ty, r in sorted(tables, key=lambda t: t[1]):
        for k in range(5):  # guests behind the table
            a = math.pi * (0.15 + 0.7 * k / 4)
            gx = tx - math.cos(a) * r * 0.95
            s.person(gx, ty + r * 0.05, r * 1.5, pose="sit", view="front", shadow=False,
                     old=rng.random() < 0.4)
        s.ellipse(tx - r, ty - r * 0.28, tx + r, ty + r * 0.28, (196, 26, 34))
        s.poly([(tx - r, ty), (tx + r, ty), (tx + r * 0.96, ty + r * 0.5), (tx - r * 0.96, ty + r * 0.5)],
               (170, 20, 30))
        s.ellipse(tx - r * 0.96, ty + r * 0.36, tx + r * 0.96, ty + r * 0.62, (170, 20, 30))
        for k in range(6):
            a = 2 * math.pi * k / 6
            px, py = tx + math.cos(a) * r * 0.6, ty + math.sin(a) * r * 0.16
            s.ellipse(px - r * 0.1, py - r * 0.04, px + r * 0.1, py + r * 0.04, (246, 244, 238))
    # the couple by the doorway
    s.finish(out, tint=(255, 226, 190))


PHOTOS = {
    "bandeng-ketang.jpg": bandeng_ketang,
    "wenming-loudao.jpg": wenming_loudao,
    "huitang-xuanjiang.jpg": huitang_xuanjiang,
    "tianjian-peixun.jpg": tianjian_peixun,
    "jiankang-yizhen.jpg": jiankang_yizhen,
    "nongjia-shuwu.jpg": nongjia_shuwu,
    "guangchang-wu.jpg": guangchang_wu,
    "hedao-qingjie.jpg": hedao_qingjie,
    "24h-shijiandian.jpg": shijiandian_24h,
    "laonian-shitang.jpg": laonian_shitang,
    "hunshi-xinban.jpg": hunshi_xinban,
}


def main(argv):
    out_dir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "assets" / "demo" / "inbox" / "photos"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, paint in PHOTOS.items():
        path = out_dir / name
        paint(path)
        print(f"{path}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(sys.argv)
