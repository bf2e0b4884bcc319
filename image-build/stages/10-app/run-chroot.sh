# Stage 10-app, inside the target root: the app's venv from the staged wheels (offline), the pbx user.
wheels=/tmp/pbx-wheels
python3 -m venv /opt/pbx/venv
/opt/pbx/venv/bin/pip install -q --no-index --disable-pip-version-check --find-links "$wheels" \
  -r "$wheels/requirements.txt"
# The app is installed editable: hal finds board-configs/ next to its package, as in the checkout.
/opt/pbx/venv/bin/pip install -q --no-index --disable-pip-version-check --no-deps --no-build-isolation \
  -e /opt/pbx/app
rm -rf /opt/pbx/app/*.egg-info "$wheels"
/opt/pbx/venv/bin/python -m compileall -q /opt/pbx/app
/opt/pbx/venv/bin/python -c 'import pjsua2, bottle, peewee, supervisor, firmware.run, hal.board; hal.board.load_board("'"$PBX_BOARD"'")'
getent passwd pbx >/dev/null || useradd --system --home-dir /data/pbx --no-create-home --shell /usr/sbin/nologin pbx
# kamailio's Debian unit must not hold :5060; supervisord runs the box's own kamailio.
systemctl disable kamailio.service || true
systemctl enable pbx-box.service
