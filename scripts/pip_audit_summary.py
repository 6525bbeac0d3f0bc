"""Read pip-audit's JSON report (scripts/audit_dependencies.sh): exit 1 when a pinned package has a known
vulnerability; 0 with a note when the advisory service could not be reached (every package skipped, or no
report at all), so that an offline CI says so instead of failing or pretending to have checked."""

import json
import sys
from pathlib import Path


def main(report_path: str, return_code: str, errors_path: str) -> int:
    try:
        report = json.loads(Path(report_path).read_text() or "{}")
    except (OSError, ValueError):
        report = {}
    dependencies = report.get("dependencies", [])
    audited = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    if not audited:
        tail = (
            Path(errors_path).read_text(errors="replace").strip().splitlines()[-1:]
            if Path(errors_path).exists()
            else []
        )
        print(
            f"pip-audit: 漏洞库不可达（{len(dependencies)} 个依赖均未能检查，pip-audit 返回 {return_code}"
            f"{'：' + tail[0][:200] if tail else ''}），未检查，不视为失败。"
        )
        return 0
    vulnerable = [dependency for dependency in audited if dependency.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = "、".join(vuln.get("fix_versions", [])) or "暂无修复版本"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']}（修复版本：{fixed}）")
    skipped = len(dependencies) - len(audited)
    if vulnerable:
        print(
            f"pip-audit: {len(vulnerable)} 个依赖有已知漏洞（{len(audited)} 个已检查，{skipped} 个未能检查）。"
        )
        return 1
    print(f"pip-audit: 未发现已知漏洞（{len(audited)} 个已检查，{skipped} 个未能检查）。")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
