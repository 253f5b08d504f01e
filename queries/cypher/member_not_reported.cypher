// rule: member-not-reported
// title: 在职党员未到居住地社区报到 / In-service member not reported where they live
// 居住在社区（村）内的在职党员，在 $as_of 当日没有向该社区、其下级区域或依托其中的党组织报到。
// params: {"as_of": "2026-11-22"}
// Where a member lives is their first residence valid on the date (the lowest eid), as the rules read it.
MATCH (m:Member:Dangjian)-[l:LIVES_IN]->(:Area:Dangjian)
WHERE m.situation = 'in_service'
  AND (l.valid_from IS NULL OR l.valid_from <= date($as_of))
  AND (l.valid_to IS NULL OR l.valid_to >= date($as_of))
WITH m, l ORDER BY l.eid
WITH m, head(collect(endNode(l))) AS home
MATCH p = (c:Area:Dangjian)-[:CONTAINS*0..]->(home)
WHERE c.level IN ['community', 'village']
  AND all(r IN relationships(p) WHERE (r.valid_from IS NULL OR r.valid_from <= date($as_of))
                                   AND (r.valid_to IS NULL OR r.valid_to >= date($as_of)))
  AND NOT EXISTS {
    MATCH (m)-[rep:REPORTED_TO]->(target)
    WHERE (rep.valid_from IS NULL OR rep.valid_from <= date($as_of))
      AND (rep.valid_to IS NULL OR rep.valid_to >= date($as_of))
      AND EXISTS {
        MATCH q = (c)-[:CONTAINS*0..]->(inside:Area:Dangjian)
        WHERE all(r IN relationships(q) WHERE (r.valid_from IS NULL OR r.valid_from <= date($as_of))
                                           AND (r.valid_to IS NULL OR r.valid_to >= date($as_of)))
          AND (inside = target
               OR EXISTS { MATCH (target)-[a:ANCHORED_IN]->(inside)
                           WHERE (a.valid_from IS NULL OR a.valid_from <= date($as_of))
                             AND (a.valid_to IS NULL OR a.valid_to >= date($as_of)) }
               OR EXISTS { MATCH (target)-[a:ANCHORED_IN]->(:Unit:Dangjian)-[li:LOCATED_IN]->(inside)
                           WHERE all(x IN [a, li] WHERE (x.valid_from IS NULL OR x.valid_from <= date($as_of))
                                                    AND (x.valid_to IS NULL OR x.valid_to >= date($as_of))) })
      }
  }
RETURN DISTINCT m.id AS id, c.id AS community, c.name AS community_name
ORDER BY community, id
