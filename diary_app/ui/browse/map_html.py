"""The map page's HTML: a folium (Leaflet) map on the vendored libraries, never a CDN.

Qt-free, so the selftest and exports can use it too. Why points travel as one JSON array and
markers are made in JavaScript: 10,000 folium ``Marker`` objects make megabytes of generated
script that take many seconds to build and parse; one array turned into circle markers inside a
``L.markerClusterGroup`` (``addLayers``, chunked) draws 10,000 entries in well under two seconds.
folium still builds the page skeleton (map, controls) so the page stays a normal folium map.

Tiles: an OpenStreetMap tile layer is added only after one probe tile loaded; without a network
the markers stay on a plain background and a notice says why.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from datetime import datetime, tzinfo
from pathlib import Path

from diary_app.emotions import EMOTION_COLORS, EMOTION_ICONS
from diary_app.paths import resources_dir

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_PROBE = "https://tile.openstreetmap.org/0/0/0.png"
ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

#: Relative to ``web_dir()`` (the page's base URL), so a frozen bundle works the same.
LOCAL_JS = [
    ("leaflet", "leaflet/leaflet.js"),
    ("jquery", "jquery/jquery.min.js"),
    ("markercluster", "markercluster/leaflet.markercluster.js"),
]
LOCAL_CSS = [
    ("leaflet_css", "leaflet/leaflet.css"),
    ("markercluster_css", "markercluster/MarkerCluster.css"),
    ("markercluster_default_css", "markercluster/MarkerCluster.Default.css"),
]


def web_dir() -> Path:
    return resources_dir() / "web"


def base_path() -> Path:
    """Pass ``QUrl.fromLocalFile(base_path())`` as the base URL of ``setHtml``."""
    return web_dir() / "map.html"


def point_json(item, tz: tzinfo | None = None) -> dict:
    """A ``MapPoint`` or an ``Entry`` as the page's marker record."""
    if hasattr(item, "to_json"):
        return item.to_json(tz)
    local = item.created_at.astimezone(tz) if tz else item.created_at.astimezone()
    return {"id": str(item.id), "lat": item.latitude, "lon": item.longitude, "emotion": item.emotion,
            "time": local.strftime("%Y-%m-%d %H:%M"), "note": item.note or "", "place": item.place_name or ""}


def points_json(items: Iterable, tz: tzinfo | None = None) -> str:
    tz = tz or datetime.now().astimezone().tzinfo
    pts = [point_json(i, tz) for i in items if i.latitude is not None and i.longitude is not None]
    return json.dumps(pts, ensure_ascii=False, separators=(",", ":"))


_SCRIPT = r"""
(function () {
  var map = %(map)s;
  var COLORS = %(colors)s, ICONS = %(icons)s, TEXT = %(text)s;
  var bridge = null, drawn = 0, pending = null;
  var cluster = L.markerClusterGroup({
    chunkedLoading: true, chunkInterval: %(chunk_ms)d, disableClusteringAtZoom: 17, chunkProgress: function (done, total) { if (done >= total) { finished(total); } },
    maxClusterRadius: 45, spiderfyOnMaxZoom: true, showCoverageOnHover: false,
    iconCreateFunction: function (c) {  // a small pie of the cluster's emotions, its count inside
      var kids = c.getAllChildMarkers(), n = kids.length, counts = {}, order = Object.keys(COLORS);
      for (var i = 0; i < n; i++) { var e = kids[i].options.emotion; counts[e] = (counts[e] || 0) + 1; }
      var stops = [], at = 0;
      for (var k = 0; k < order.length; k++) {
        var share = (counts[order[k]] || 0) / n * 100;
        if (share > 0) { stops.push(COLORS[order[k]] + ' ' + at.toFixed(1) + '%% ' + (at + share).toFixed(1) + '%%'); at += share; }
      }
      var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
      return L.divIcon({html: '<div style="background: conic-gradient(' + stops.join(', ') + ')"><span>' + n + '</span></div>',
        className: 'marker-cluster diary-cluster', iconSize: L.point(size, size)});
    }
  });
  map.addLayer(cluster);
  function esc(s) { return String(s).replace(/[&<>"']/g, function (ch) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[ch]; }); }
  function pad(n) { return n < 10 ? '0' + n : '' + n; }
  function localTime(p) {  // "YYYY-MM-DD HH:MM" UTC from SQLite -> the system's local time
    if (p.time) { return p.time; }
    var d = new Date(p.utc.replace(' ', 'T') + ':00Z');
    p.time = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
    return p.time;
  }
  function popup(p) {
    return '<div class="diary-popup"><b>' + (ICONS[p.emotion] || '') + ' ' + esc(p.emotion) + '</b><br>' + esc(localTime(p)) +
      (p.place ? '<br>' + esc(p.place) : '') + (p.note ? '<br><i>' + esc(p.note) + '</i>' : '') +
      '<br><button class="diary-open" onclick="window.diaryMap.openEntry(\'' + esc(p.id) + '\')">' + esc(TEXT.open) + '</button></div>';
  }
  function fillPopup(m, p) {  // note and place come from the app when the popup opens
    if (!bridge || p.note !== undefined) { return; }
    bridge.entryInfo(p.id, function (json) {
      var info = JSON.parse(json || '{}');
      p.note = info.note || ''; p.place = info.place || '';
      if (m.isPopupOpen()) { m.setPopupContent(popup(p)); }
    });
  }
  function setPoints(points, fit) {
    cluster.clearLayers();
    var markers = new Array(points.length), latlngs = new Array(points.length);
    for (var i = 0; i < points.length; i++) {
      var p = points[i];
      if (Array.isArray(p)) { p = {id: p[0], lat: p[1], lon: p[2], emotion: p[3], utc: p[4]}; }
      var m = L.circleMarker([p.lat, p.lon], {radius: 7, weight: 1, color: '#222', fillColor: COLORS[p.emotion] || '#888',
        fillOpacity: 0.9, emotion: p.emotion, entryId: p.id});
      m.bindPopup(popup.bind(null, p));
      if (p.note === undefined) { m.on('popupopen', fillPopup.bind(null, m, p)); }
      markers[i] = m;
      latlngs[i] = [p.lat, p.lon];
    }
    fitNext = fit && points.length ? L.latLngBounds(latlngs) : null;
    window.diaryMarkersDrawn = -1;
    if (markers.length) { cluster.addLayers(markers); } else { finished(0); }
    return markers.length;
  }
  var fitNext = null;
  function finished(total) {  // all chunks of addLayers are in: the markers are on the map
    drawn = total;
    if (fitNext && drawn) { map.fitBounds(fitNext, {padding: [24, 24], maxZoom: 13, animate: false}); }
    fitNext = null;
    window.diaryMarkersDrawn = drawn;
    if (bridge) { bridge.markersDrawn(drawn); }
  }
  window.diaryMap = {
    map: map, cluster: cluster,
    setPoints: setPoints,
    markerCount: function () { return cluster.getLayers().length; },
    openEntry: function (id) { if (bridge) { bridge.openEntry(id); } else { window.diaryLastOpened = id; } },
    tilesOnline: null
  };
  var notice = document.createElement('div');
  notice.id = 'diary-offline-notice';
  notice.textContent = TEXT.offline;
  notice.style.display = 'none';
  document.body.appendChild(notice);
  if (TEXT.tiles) {
    var probe = new Image();
    probe.onload = function () {
      L.tileLayer(TEXT.tiles, {maxZoom: 19, attribution: TEXT.attribution}).addTo(map);
      window.diaryMap.tilesOnline = true; notice.style.display = 'none';
    };
    probe.onerror = function () { window.diaryMap.tilesOnline = false; notice.style.display = 'block'; };
    probe.src = TEXT.probe;
  } else { window.diaryMap.tilesOnline = false; notice.style.display = 'block'; }
  setPoints(%(points)s, true);
  if (window.qt && window.qt.webChannelTransport && typeof QWebChannel !== 'undefined') {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      if (bridge && window.diaryMarkersDrawn >= 0) { bridge.pageReady(drawn); }
    });
  }
})();
"""

_STYLE = """
<style>
  html, body { background: #e9eef2; }
  .leaflet-container { background: #e9eef2; }
  #diary-offline-notice { position: absolute; z-index: 1000; left: 50%; transform: translateX(-50%); bottom: 18px;
    background: rgba(255,255,255,0.92); border: 1px solid #999; border-radius: 6px; padding: 4px 10px;
    font: 13px sans-serif; color: #333; }
  .diary-cluster { background: rgba(255,255,255,0.6); border-radius: 50%; }
  .diary-cluster div { width: calc(100% - 6px); height: calc(100% - 6px); margin: 3px; border-radius: 50%;
    display: flex; align-items: center; justify-content: center; color: #fff; font: bold 12px sans-serif;
    text-shadow: 0 0 3px #000, 0 0 2px #000; }
  .diary-cluster span { line-height: 1; }
  .diary-popup { font: 13px sans-serif; min-width: 150px; }
  .diary-open { margin-top: 6px; }
</style>
"""


def build_map_html(
    points: Iterable = (),
    *,
    center: tuple[float, float] = (36.5, 127.8),
    zoom: int = 6,
    tiles: bool = True,
    offline_text: str = "No network: map tiles are not shown; markers are on a plain background.",
    open_text: str = "Open entry",
    tz: tzinfo | None = None,
    absolute_assets: bool = False,
    chunk_ms: int = 400,
    points_json_text: str | None = None,
) -> tuple[str, Path]:
    """Return ``(html, base_path)``; load with ``setHtml(html, QUrl.fromLocalFile(str(base_path)))``.

    ``points`` are ``MapPoint``s or ``Entry``s (those without a place are skipped), or
    ``points_json_text`` is ready JSON (``stats.map_json``: arrays with UTC times). Large sets
    are better pushed after loading with ``window.diaryMap.setPoints(json)`` (``setHtml`` is
    limited to 2 MB) or the page written to a file and loaded with ``absolute_assets=True`` (asset
    links become ``file://`` URLs into ``resources/web`` wherever the file is).
    """
    import folium
    from branca.element import CssLink, Element, JavascriptLink, MacroElement
    from jinja2 import Template

    m = folium.Map(location=list(center), zoom_start=zoom, tiles=None, control_scale=True, **{"maxZoom": 18})
    # Only our vendored files: folium's defaults name CDNs (and bootstrap/font-awesome we do not need).
    m.default_js = []
    m.default_css = []
    header = m.get_root().header
    def link(rel: str) -> str:
        return (web_dir() / rel).as_uri() if absolute_assets else rel

    for name, url in LOCAL_CSS:
        header.add_child(CssLink(link(url)), name=name)
    for name, url in LOCAL_JS:
        header.add_child(JavascriptLink(link(url)), name=name)
    header.add_child(JavascriptLink("qrc:///qtwebchannel/qwebchannel.js"), name="qwebchannel")
    header.add_child(Element(_STYLE), name="diary_style")
    text = {
        "offline": offline_text, "open": open_text, "attribution": ATTRIBUTION,
        "tiles": TILE_URL if tiles else "", "probe": TILE_PROBE,
    }
    script = _SCRIPT % {
        "map": m.get_name(),
        "colors": json.dumps(EMOTION_COLORS),
        "icons": json.dumps(EMOTION_ICONS, ensure_ascii=False),
        "text": json.dumps(text, ensure_ascii=False),
        "points": "__DIARY_POINTS__",
        "chunk_ms": chunk_ms,
    }
    # a child of the map renders after the map's own script, so the map variable exists
    marker_layer = MacroElement()
    marker_layer._template = Template("{% macro script(this, kwargs) %}{% raw %}" + script + "{% endraw %}{% endmacro %}")
    m.add_child(marker_layer, name="diary_markers")
    # the points go in after rendering: through Jinja a megabyte of JSON costs a second
    data = points_json_text if points_json_text is not None else points_json(points, tz)
    page = m.get_root().render().replace("__DIARY_POINTS__", data, 1)
    return page, base_path()


def escape(text: str) -> str:
    return html.escape(text, quote=True)
