// rule: community-without-org
// title: 无党组织的社区（村）/ Community with no Party organization
// 社区或村，及其下级区域（网格、小区、楼栋），在 $as_of 当日没有任何党组织依托。
// params: {"as_of": "2026-11-22"}
MATCH (c:Area:Dangjian)
WHERE c.level IN ['community', 'village']
  AND NOT EXISTS {
    MATCH p = (c)-[:CONTAINS*0..]->(:Area:Dangjian)<-[:ANCHORED_IN]-(:PartyOrg:Dangjian)
    WHERE all(r IN relationships(p) WHERE (r.valid_from IS NULL OR r.valid_from <= date($as_of))
                                       AND (r.valid_to IS NULL OR r.valid_to >= date($as_of)))
  }
RETURN c.id AS id, c.name AS name,
       head([(parent:Area:Dangjian)-[r:CONTAINS]->(c)
             WHERE (r.valid_from IS NULL OR r.valid_from <= date($as_of))
               AND (r.valid_to IS NULL OR r.valid_to >= date($as_of)) | parent.name]) AS parent
ORDER BY id
