// rule: unit-needs-own-branch
// title: 有3名以上正式党员未单独建立党组织的单位 / Unit with 3 or more formal members and no organization of its own
// 在 $as_of 当日有 $min_formal 名以上正式党员在此工作、且没有依托本单位的党组织的驻区单位。
// params: {"as_of": "2026-11-22", "min_formal": 3}
MATCH (u:Unit:Dangjian)<-[w:WORKS_AT]-(m:Member:Dangjian)
WHERE m.status = 'formal'
  AND (w.valid_from IS NULL OR w.valid_from <= date($as_of))
  AND (w.valid_to IS NULL OR w.valid_to >= date($as_of))
WITH u, count(w) AS formal
WHERE formal >= $min_formal
  AND NOT EXISTS {
    MATCH (u)<-[r:ANCHORED_IN]-(:PartyOrg:Dangjian)
    WHERE (r.valid_from IS NULL OR r.valid_from <= date($as_of))
      AND (r.valid_to IS NULL OR r.valid_to >= date($as_of))
  }
RETURN u.id AS id, u.name AS name, formal
ORDER BY formal DESC, id
