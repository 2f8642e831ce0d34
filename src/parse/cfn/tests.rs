//! Template-level tests: resolution of intrinsics, SAM, conditions, and the corpus.

use super::*;
use crate::document::DiagLevel;
use crate::value::{Piece, Ref};

fn parse(text: &str) -> Document {
    parse_template(Path::new("t.yaml"), Arc::from("t.yaml"), text)
}

fn parse_json(text: &str) -> Document {
    parse_template(Path::new("t.json"), Arc::from("t.json"), text)
}

fn res<'a>(doc: &'a Document, id: &str) -> &'a Resource {
    doc.resources
        .iter()
        .find(|r| r.address == id)
        .unwrap_or_else(|| panic!("no resource {id}: {:?}", ids(doc)))
}

fn ids(doc: &Document) -> Vec<&str> {
    doc.resources.iter().map(|r| r.address.as_str()).collect()
}

fn attr<'a>(doc: &'a Document, id: &str, path: &[&str]) -> &'a Node {
    res(doc, id)
        .attrs
        .path(path)
        .unwrap_or_else(|| panic!("{id}.{path:?} missing"))
}

fn r(target: &str, attr: &str) -> Value {
    Value::Ref(Ref {
        target: target.into(),
        attr: attr.into(),
    })
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

fn errors(doc: &Document) -> Vec<&Diagnostic> {
    doc.diagnostics
        .iter()
        .filter(|d| d.level == DiagLevel::Error)
        .collect()
}

fn pos(span: &Span) -> (u32, u32, u32, u32) {
    (span.line, span.col, span.end_line, span.end_col)
}

use crate::value::Span;

const BASIC: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: prod
  Bucket:
    Type: String
  Subnets:
    Type: CommaDelimitedList
    Default: "subnet-a, subnet-b"
  Ami:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami
  Port:
    Type: String
    Default: 8080
Mappings:
  RegionMap:
    us-east-1: {Ami: ami-1, Size: small}
    eu-west-1: {Ami: ami-2, Size: small}
  EnvMap:
    prod: {Tokens: required}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  IsUsEast: !Equals [!Ref "AWS::Region", us-east-1]
  ProdAndUs: !And [!Condition IsProd, !Condition IsUsEast]
  ProdOrUs: !Or [!Condition IsProd, !Condition IsUsEast]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${Env}-role"
      Path: !Join ["/", ["", !Ref Env, ""]]
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: ec2.amazonaws.com}
            Action: sts:AssumeRole
      Tags:
        - Key: account
          Value: !Ref AWS::AccountId
        - !If [IsDev, {Key: dev, Value: "1"}, !Ref AWS::NoValue]
  DevOnly:
    Type: AWS::SQS::Queue
    Condition: IsDev
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref Role]
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !Ref Ami
      IamInstanceProfile: !Ref Profile
      SubnetId: !Select [1, !Ref Subnets]
      InstanceType: !FindInMap [RegionMap, !Ref "AWS::Region", Size]
      KeyName: !If [IsProd, prod-key, dev-key]
      Monitoring: !If [IsUsEast, true, false]
      SameEitherWay: !If [IsUsEast, same, same]
      UserData: !Base64
        Fn::Sub: |
          #!/bin/bash
          echo ${AWS::Region} ${Env} ${!NotAVar} ${Role.Arn}
      Tags:
        - Key: Name
          Value: !Select [0, !Split [",", "a,b,c"]]
        - Key: Arn
          Value: !GetAtt Role.Arn
        - Key: List
          Value: !GetAtt [Role, RoleId]
        - Key: Nested
          Value: !GetAtt Db.Endpoint.Address
        - Key: Vars
          Value: !Sub
            - "${Prefix}-${Bucket}-${AWS::Partition}"
            - Prefix: !FindInMap [EnvMap, !Ref Env, Tokens]
        - Key: Import
          Value: !ImportValue shared-vpc
        - Key: Azs
          Value: !Select [0, !GetAZs ""]
        - Key: Cidr
          Value: !Cidr ["10.0.0.0/16", 2, 8]
        - Key: Port
          Value: !Ref Port
        - Key: Conds
          Value: !Sub "${AWS::StackName}"
  Db:
    Type: AWS::RDS::DBInstance
    Condition: ProdOrUs
  Both:
    Type: AWS::SQS::Queue
    Condition: ProdAndUs
"#;

#[test]
fn resources_and_their_spans() {
    let doc = parse(BASIC);
    assert!(errors(&doc).is_empty(), "{:?}", doc.diagnostics);
    // DevOnly is dropped (IsDev is false); Both has an unknown condition and stays.
    assert_eq!(ids(&doc), ["Role", "Profile", "Instance", "Db", "Both"]);
    let role = res(&doc, "Role");
    assert_eq!(role.rtype, "AWS::IAM::Role");
    assert_eq!(role.format, Format::CloudFormation);
    assert_eq!(role.mode, Mode::Managed);
    assert_eq!(role.ref_address, "Role");
    assert_eq!(pos(&role.span), (31, 3, 45, 65));
    let db = res(&doc, "Db");
    assert_eq!(pos(&db.span), (90, 3, 92, 24));
    // No Properties: an empty map.
    assert_eq!(db.attrs.value, Value::Map(BTreeMap::new()));
}

#[test]
fn refs_params_and_pseudo_parameters() {
    let doc = parse(BASIC);
    assert_eq!(attr(&doc, "Role", &["RoleName"]).value, s("prod-role"));
    assert_eq!(attr(&doc, "Role", &["Path"]).value, s("/prod/"));
    let tags = attr(&doc, "Role", &["Tags"]);
    let Value::List(tags) = &tags.value else {
        panic!()
    };
    // The NoValue branch removed the second tag.
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].get("Value").unwrap().value, r("AWS::AccountId", ""));
    assert_eq!(
        attr(&doc, "Profile", &["Roles"]).items()[0].value,
        r("Role", "")
    );
    assert_eq!(
        attr(&doc, "Instance", &["IamInstanceProfile"]).value,
        r("Profile", "")
    );
    // SSM parameter types are resolved at deploy time: the value is the dynamic reference
    // to the parameter the default names.
    assert_eq!(
        attr(&doc, "Instance", &["ImageId"]).value,
        s("{{resolve:ssm:/aws/service/ami}}")
    );
    // A list parameter: split and trimmed.
    assert_eq!(attr(&doc, "Instance", &["SubnetId"]).value, s("subnet-b"));
    // A Ref to a parameter is reported where the template uses it (like a Terraform
    // variable), not at the parameter's default.
    let use_line = BASIC
        .lines()
        .position(|l| l.contains("Value: !Ref Port"))
        .unwrap()
        + 1;
    assert_eq!(tag(&doc, "Port").span.line as usize, use_line);
    assert_eq!(tag(&doc, "Port").span.col, 18);
}

fn tag<'a>(doc: &'a Document, key: &str) -> &'a Node {
    let tags = attr(doc, "Instance", &["Tags"]);
    tags.items()
        .into_iter()
        .find(|t| t.get("Key").and_then(Node::as_str) == Some(key))
        .and_then(|t| t.get("Value"))
        .unwrap_or_else(|| panic!("tag {key}"))
}

#[test]
fn intrinsic_functions() {
    let doc = parse(BASIC);
    assert_eq!(tag(&doc, "Name").value, s("a"));
    assert_eq!(tag(&doc, "Arn").value, r("Role", "Arn"));
    assert_eq!(tag(&doc, "List").value, r("Role", "RoleId"));
    assert_eq!(tag(&doc, "Nested").value, r("Db", "Endpoint.Address"));
    assert_eq!(
        tag(&doc, "Vars").value,
        Value::Interp(vec![
            Piece::Lit("required-".into()),
            Piece::Unknown,
            Piece::Lit("-".into()),
            Piece::Ref(Ref {
                target: "AWS::Partition".into(),
                attr: String::new()
            }),
        ])
    );
    assert_eq!(tag(&doc, "Import").value, Value::Unknown);
    assert_eq!(tag(&doc, "Azs").value, Value::Unknown);
    assert_eq!(tag(&doc, "Cidr").value, Value::Unknown);
    // A String parameter's numeric default is text.
    assert_eq!(tag(&doc, "Port").value, s("8080"));
    // The region is not known, but every row of the mapping has the same Size.
    assert_eq!(attr(&doc, "Instance", &["InstanceType"]).value, s("small"));
    assert_eq!(attr(&doc, "Instance", &["KeyName"]).value, s("prod-key"));
    // The region is not known: both branches are kept.
    let monitoring = attr(&doc, "Instance", &["Monitoring"]);
    assert_eq!(
        monitoring.display_text().as_deref(),
        Some("${if IsUsEast then true else false}")
    );
    assert!(monitoring.has_unknown());
    assert_eq!(attr(&doc, "Instance", &["SameEitherWay"]).value, s("same"));
    let user_data = attr(&doc, "Instance", &["UserData"]);
    assert_eq!(
        user_data.value,
        Value::Interp(vec![
            Piece::Lit("#!/bin/bash\necho ".into()),
            Piece::Ref(Ref {
                target: "AWS::Region".into(),
                attr: String::new()
            }),
            Piece::Lit(" prod ${NotAVar} ".into()),
            Piece::Ref(Ref {
                target: "Role".into(),
                attr: "Arn".into()
            }),
            Piece::Lit("\n".into()),
        ])
    );
}

#[test]
fn tagged_node_positions() {
    let doc = parse(BASIC);
    // `!GetAtt Role.Arn` on line 71 starts at the tag.
    let arn = tag(&doc, "Arn");
    assert_eq!(pos(&arn.span), (71, 18, 71, 34));
    let list = tag(&doc, "List");
    assert_eq!(pos(&list.span), (73, 18, 73, 40));
    // Keys keep their spans in `attr_spans` (name through value).
    let inst = res(&doc, "Instance");
    assert_eq!(pos(&inst.attr_span("ImageId")), (56, 7, 56, 24));
}

#[test]
fn long_forms_in_json() {
    let text = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"Name": {"Type": "String", "Default": "app"}},
  "Conditions": {"Yes": {"Fn::Equals": [{"Ref": "Name"}, "app"]}},
  "Resources": {
    "Role": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "RoleName": {"Fn::Join": ["-", [{"Ref": "Name"}, {"Ref": "AWS::Region"}]]},
        "Arn": {"Fn::GetAtt": ["Other", "Arn"]},
        "Sub": {"Fn::Sub": ["${A}", {"A": {"Ref": "Name"}}]},
        "Pick": {"Fn::If": ["Yes", {"Ref": "AWS::NoValue"}, "no"]},
        "Enc": {"Fn::Base64": {"Fn::Sub": "x-${Name}"}}
      }
    },
    "Other": {"Type": "AWS::IAM::Role", "Condition": "Yes"}
  }
}"#;
    let doc = parse_json(text);
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(ids(&doc), ["Role", "Other"]);
    let role = res(&doc, "Role");
    assert_eq!(pos(&role.span), (6, 5, 15, 6));
    assert_eq!(
        attr(&doc, "Role", &["RoleName"]).value,
        Value::Interp(vec![
            Piece::Lit("app-".into()),
            Piece::Ref(Ref {
                target: "AWS::Region".into(),
                attr: String::new()
            })
        ])
    );
    assert_eq!(attr(&doc, "Role", &["Arn"]).value, r("Other", "Arn"));
    assert_eq!(attr(&doc, "Role", &["Sub"]).value, s("app"));
    assert!(res(&doc, "Role").attrs.get("Pick").is_none());
    assert_eq!(attr(&doc, "Role", &["Enc"]).value, s("x-app"));
    assert_eq!(pos(&attr(&doc, "Role", &["Arn"]).span), (10, 16, 10, 48));
}

#[test]
fn find_in_map_default_value_and_missing_keys() {
    let text = r#"
Mappings:
  M:
    a: {k: v}
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      Found: !FindInMap [M, a, k]
      Default: !FindInMap [M, b, k, {DefaultValue: dflt}]
      Missing: !FindInMap [M, b, k]
"#;
    let doc = parse(text);
    assert_eq!(attr(&doc, "Q", &["Found"]).value, s("v"));
    assert_eq!(attr(&doc, "Q", &["Default"]).value, s("dflt"));
    assert_eq!(attr(&doc, "Q", &["Missing"]).value, Value::Unknown);
    assert!(
        doc.diagnostics
            .iter()
            .any(|d| d.message.contains("FindInMap"))
    );
}

#[test]
fn undefined_refs_are_unknown_with_a_warning() {
    let doc =
        parse("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      A: !Ref Nope\n");
    assert_eq!(attr(&doc, "Q", &["A"]).value, Value::Unknown);
    assert_eq!(doc.diagnostics.len(), 1);
    assert_eq!(doc.diagnostics[0].level, DiagLevel::Warning);
    assert_eq!(doc.diagnostics[0].span.line, 5);
}

#[test]
fn anchors_in_templates() {
    let text = "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties: &p\n      DelaySeconds: 5\n  B:\n    Type: AWS::SQS::Queue\n    Properties: *p\n";
    let doc = parse(text);
    assert_eq!(attr(&doc, "B", &["DelaySeconds"]).value, Value::Number(5.0));
}

#[test]
fn duplicate_keys_are_warnings() {
    let doc =
        parse("Resources:\n  A:\n    Type: AWS::SQS::Queue\n  A:\n    Type: AWS::SNS::Topic\n");
    assert_eq!(ids(&doc), ["A"]);
    assert_eq!(res(&doc, "A").rtype, "AWS::SNS::Topic");
    assert_eq!(doc.diagnostics.len(), 1);
    assert_eq!(doc.diagnostics[0].level, DiagLevel::Warning);
    assert_eq!(pos(&doc.diagnostics[0].span), (4, 3, 4, 4));
    let json = parse_json(
        "{\"Resources\": {\"A\": {\"Type\": \"AWS::SQS::Queue\"},\n \"A\": {\"Type\": \"AWS::SNS::Topic\"}}}",
    );
    assert_eq!(json.diagnostics.len(), 1);
    assert_eq!(json.diagnostics[0].span.line, 2);
}

#[test]
fn syntax_errors_are_positioned_diagnostics() {
    let doc = parse("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n");
    assert!(doc.resources.is_empty());
    assert_eq!(doc.diagnostics.len(), 1);
    let d = &doc.diagnostics[0];
    assert_eq!(d.level, DiagLevel::Error);
    assert_eq!(&*d.span.file, "t.yaml");
    assert_eq!(d.span.line, 4);
    let doc = parse_json("{\"Resources\": {\n  \"A\": {\"Type\": }\n}}");
    assert_eq!(doc.diagnostics.len(), 1);
    assert_eq!(
        (doc.diagnostics[0].span.line, doc.diagnostics[0].span.col),
        (2, 17)
    );
}

#[test]
fn limits_give_diagnostics() {
    let deep = format!(
        "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n      X: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let doc = parse(&deep);
    assert_eq!(errors(&doc).len(), 1);
    let deep = format!(
        "{{\"Resources\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(errors(&parse_json(&deep)).len(), 1);
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    bomb.push_str("Resources: {}\n");
    let doc = parse(&bomb);
    assert_eq!(errors(&doc).len(), 1);
    // A long chain of conditions does not overflow the stack.
    let mut chain = String::from("Conditions:\n  C0: !Equals [a, a]\n");
    for i in 1..5_000 {
        chain.push_str(&format!("  C{i}: !Not [!Condition C{}]\n", i - 1));
    }
    chain.push_str("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: C4999\n");
    let doc = parse(&chain);
    assert!(errors(&doc).is_empty());
}

#[test]
fn not_a_mapping() {
    let doc = parse("- a\n- b\n");
    assert_eq!(errors(&doc).len(), 1);
    let doc = parse("Resources: [a]\n");
    assert_eq!(errors(&doc).len(), 1);
}

const SAM: &str = r#"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Environment:
      Variables:
        SHARED: "1"
    Layers: [arn:layer:global]
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Layers: [arn:layer:own]
      Environment:
        Variables:
          OWN: !Ref Queue
      Tracing: Active
      VpcConfig:
        SubnetIds: [subnet-1]
        SecurityGroupIds: [sg-1]
      DeadLetterQueue:
        Type: SQS
        TargetArn: !GetAtt Queue.Arn
      Policies:
        - AmazonS3ReadOnlyAccess
        - arn:aws:iam::123456789012:policy/custom
        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: "*"
        - AthenaQueryPolicy:
            WorkGroupName: wg
      Events:
        FromQueue:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
            BatchSize: 5
        Web:
          Type: Api
          Properties: {Path: /, Method: get}
      FunctionUrlConfig:
        AuthType: NONE
  WithRole:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt Fn.Arn
      Handler: x
"#;

#[test]
fn sam_function_expansion() {
    let doc = parse(SAM);
    assert!(errors(&doc).is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(
        ids(&doc),
        [
            "Queue",
            "Fn",
            "FnFromQueue",
            "FnUrl",
            "FnUrlPublicPermissions",
            "FnRole",
            "WithRole"
        ]
    );
    let f = res(&doc, "Fn");
    assert_eq!(f.rtype, "AWS::Lambda::Function");
    assert_eq!(f.span.line, 13);
    assert_eq!(attr(&doc, "Fn", &["Role"]).value, r("FnRole", "Arn"));
    assert_eq!(attr(&doc, "Fn", &["Runtime"]).value, s("python3.12"));
    assert_eq!(
        attr(&doc, "Fn", &["Environment", "Variables", "SHARED"]).value,
        s("1")
    );
    assert_eq!(
        attr(&doc, "Fn", &["Environment", "Variables", "OWN"]).value,
        r("Queue", "")
    );
    assert_eq!(attr(&doc, "Fn", &["Layers"]).items().len(), 2);
    assert_eq!(
        attr(&doc, "Fn", &["TracingConfig", "Mode"]).value,
        s("Active")
    );
    assert_eq!(
        attr(&doc, "Fn", &["DeadLetterConfig", "TargetArn"]).value,
        r("Queue", "Arn")
    );
    assert!(res(&doc, "Fn").attrs.get("VpcConfig").is_some());

    let role = res(&doc, "FnRole");
    assert_eq!(role.rtype, "AWS::IAM::Role");
    assert_eq!(role.span.line, 13);
    let principal = attr(&doc, "FnRole", &["AssumeRolePolicyDocument", "Statement"]).items()[0]
        .path(&["Principal", "Service"])
        .unwrap()
        .items()[0]
        .clone();
    assert_eq!(principal.value, s("lambda.amazonaws.com"));
    let managed: Vec<String> = attr(&doc, "FnRole", &["ManagedPolicyArns"])
        .items()
        .iter()
        .filter_map(|n| n.as_str().map(String::from))
        .collect();
    assert_eq!(
        managed,
        [
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "arn:aws:iam::123456789012:policy/custom",
        ]
    );
    let policies = attr(&doc, "FnRole", &["Policies"]).items();
    assert_eq!(policies.len(), 3);
    // The inline statement keeps its span.
    let stmt = policies[0]
        .path(&["PolicyDocument", "Statement"])
        .unwrap()
        .items()[0];
    assert_eq!(stmt.get("Action").unwrap().value, s("dynamodb:GetItem"));
    assert_eq!(stmt.span.line, 32);
    // A policy template rolegraph does not know is unknown, with a note.
    assert_eq!(
        policies[1].get("PolicyDocument").unwrap().value,
        Value::Unknown
    );
    assert!(
        doc.diagnostics
            .iter()
            .any(|d| d.level == DiagLevel::Note && d.message.contains("AthenaQueryPolicy"))
    );
    // The dead-letter queue policy.
    let dlq = policies[2]
        .path(&["PolicyDocument", "Statement"])
        .unwrap()
        .items()[0];
    assert_eq!(dlq.get("Action").unwrap().value, s("sqs:SendMessage"));

    let esm = res(&doc, "FnFromQueue");
    assert_eq!(esm.rtype, "AWS::Lambda::EventSourceMapping");
    assert_eq!(
        attr(&doc, "FnFromQueue", &["EventSourceArn"]).value,
        r("Queue", "Arn")
    );
    assert_eq!(
        attr(&doc, "FnFromQueue", &["FunctionName"]).value,
        r("Fn", "")
    );
    assert_eq!(
        attr(&doc, "FnFromQueue", &["BatchSize"]).value,
        Value::Number(5.0)
    );
    assert_eq!(attr(&doc, "FnUrl", &["AuthType"]).value, s("NONE"));
    assert_eq!(
        attr(&doc, "FnUrl", &["TargetFunctionRef"]).value,
        r("Fn", "")
    );
    assert_eq!(
        attr(&doc, "FnUrlPublicPermissions", &["Principal"]).value,
        s("*")
    );

    // A function with a Role gets no generated role.
    assert_eq!(attr(&doc, "WithRole", &["Role"]).value, r("Fn", "Arn"));
    assert!(!ids(&doc).contains(&"WithRoleRole"));
}

#[test]
fn foreach_expands_resources() {
    let text = r#"
Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: "a-1,b"}
Resources:
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic&{Name}:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Ref Name
          DisplayName: !Sub "t-${Name}"
"#;
    let doc = parse(text);
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
    assert_eq!(ids(&doc), ["Topica1", "Topicb"]);
    assert_eq!(attr(&doc, "Topica1", &["TopicName"]).value, s("a-1"));
    assert_eq!(attr(&doc, "Topicb", &["DisplayName"]).value, s("t-b"));
}

#[test]
fn every_tag_resolves_without_panicking() {
    let text = r#"
Conditions:
  C: !Equals [a, b]
  D: !Or [!Condition C, !Not [!Condition C]]
  E: !And [!Condition C, !Condition D]
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      Ref: !Ref AWS::Region
      GetAtt: !GetAtt Q.Arn
      Sub: !Sub x
      Join: !Join ["", [a, b]]
      Select: !Select [0, [a]]
      Split: !Split [",", "a,b"]
      If: !If [C, a, b]
      Equals: !Equals [a, a]
      And: !And [!Condition C, !Condition D]
      Or: !Or [!Condition C, !Condition D]
      Not: !Not [!Condition C]
      Condition: !Condition D
      FindInMap: !FindInMap [M, a, b]
      Base64: !Base64 abc
      Cidr: !Cidr [10.0.0.0/16, 1, 8]
      GetAZs: !GetAZs ""
      ImportValue: !ImportValue x
      Transform: !Transform {Name: AWS::Include, Parameters: {Location: s3://x}}
"#;
    let doc = parse(text);
    let a = |k: &str| attr(&doc, "Q", &[k]).value.clone();
    assert_eq!(a("Ref"), r("AWS::Region", ""));
    assert_eq!(a("GetAtt"), r("Q", "Arn"));
    assert_eq!(a("Sub"), s("x"));
    assert_eq!(a("Join"), s("ab"));
    assert_eq!(a("Select"), s("a"));
    assert!(eval::same_value(
        &a("Split"),
        &Value::List(vec![
            Node::string("a", Span::none()),
            Node::string("b", Span::none())
        ])
    ));
    assert_eq!(a("If"), s("b"));
    assert_eq!(a("Equals"), Value::Bool(true));
    assert_eq!(a("And"), Value::Bool(false));
    assert_eq!(a("Or"), Value::Bool(true));
    assert_eq!(a("Not"), Value::Bool(true));
    // `Condition` inside Properties is an ordinary key (IAM statements have one).
    assert!(matches!(a("Condition"), Value::Map(_)));
    assert_eq!(a("FindInMap"), Value::Unknown);
    assert_eq!(a("Base64"), s("abc"));
    assert_eq!(a("Cidr"), Value::Unknown);
    assert_eq!(a("GetAZs"), Value::Unknown);
    assert_eq!(a("ImportValue"), Value::Unknown);
    assert_eq!(a("Transform"), Value::Unknown);
}

/// Every template of the shared corpus parses without a panic and without an error.
#[test]
fn corpus_templates_parse() {
    // The corpus is outside the repository: `ROLEGRAPH_CORPUS` names it (CI sets it, and a
    // wrong path fails), empty means none; unset, `../shared/corpus` when it exists. Same
    // rules as `corpus_or_skip` in tests/common.rs.
    let root = match std::env::var_os("ROLEGRAPH_CORPUS") {
        Some(v) if !v.is_empty() => {
            let p = std::path::PathBuf::from(v);
            assert!(
                p.is_dir(),
                "ROLEGRAPH_CORPUS={} is not a folder",
                p.display()
            );
            p
        }
        v => {
            let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
            if v.is_some() || !p.is_dir() {
                // Straight to the terminal: the harness hides `eprintln!` of a passing test.
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped: corpus_templates_parse: needs the external corpus \
                     (ROLEGRAPH_CORPUS unset or empty, no ../shared/corpus beside the checkout)"
                );
                return;
            }
            p.to_path_buf()
        }
    };
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json" | "template")
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut templates = 0;
    let mut resources = 0;
    let mut failures = Vec::new();
    for p in &files {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        if !is_template(p, &text) {
            if std::env::var("CFN_DEBUG").is_ok() {
                eprintln!("NOT {}", p.display());
            }
            continue;
        }
        templates += 1;
        let file: Arc<str> = Arc::from(p.to_string_lossy().as_ref());
        let doc = std::panic::catch_unwind(|| parse_template(p, file, &text));
        match doc {
            Err(_) => failures.push(format!("{}: panic", p.display())),
            Ok(doc) => {
                resources += doc.resources.len();
                if std::env::var("CFN_DEBUG").is_ok() {
                    for d in &doc.diagnostics {
                        eprintln!("DIAG {:?} {} {}", d.level, d.span, d.message);
                    }
                }
                for d in errors(&doc) {
                    failures.push(format!("{}: {}", d.span, d.message));
                }
            }
        }
    }
    eprintln!(
        "corpus: {} files, {templates} templates, {resources} resources",
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Of the 566 YAML/JSON files, the others are Kubernetes manifests, buildspecs, workflows,
    // test events, macro parameters and policies.
    assert_eq!(templates, 482);
}

#[test]
fn suppressions_from_metadata() {
    let doc = parse(
        r#"
Resources:
  Web:
    Type: AWS::EC2::Instance
    Metadata:
      rolegraph:
        ignore:
          - id: IMDS001
            reason: "legacy agent"
          - IMDS002
          - {id: WL001}
          - {reason: no id}
          - [IMDS001]
          - {id: ECS001, reason: [a, b], why: typo}
  Other:
    Type: AWS::EC2::Instance
    Metadata:
      rolegraph:
        ignore: IMDS001
  Plain:
    Type: AWS::EC2::Instance
    Metadata:
      cfn-lint: {config: {}}
"#,
    );
    let got: Vec<(&str, &str, u32)> = res(&doc, "Web")
        .suppressions
        .iter()
        .map(|s| (s.rule.as_str(), s.reason.as_str(), s.span.line))
        .collect();
    assert_eq!(
        got,
        [
            ("IMDS001", "legacy agent", 8),
            ("IMDS002", "", 10),
            ("WL001", "", 11),
            ("ECS001", "", 14),
        ]
    );
    assert!(res(&doc, "Other").suppressions.is_empty());
    assert!(res(&doc, "Plain").suppressions.is_empty());
    let mut warnings: Vec<(u32, &str)> = doc
        .diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.level, DiagLevel::Warning, "{d:?}");
            (d.span.line, d.message.as_str())
        })
        .collect();
    warnings.sort();
    let lines: Vec<u32> = warnings.iter().map(|w| w.0).collect();
    // No id; not a rule ID or mapping; a reason that is not text; an unknown key; `ignore`
    // that is not a list.
    assert_eq!(lines, [12, 13, 14, 14, 19], "{warnings:#?}");
}

const SAM_TEMPLATES: &str = r#"
Transform: AWS::Serverless-2016-10-31
Parameters:
  TableParam:
    Type: String
    Default: orders
  KeyParam:
    Type: String
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Policies:
        - S3ReadPolicy:
            BucketName: !Ref Bucket
        - DynamoDBCrudPolicy:
            TableName: !Ref TableParam
        - SQSPollerPolicy:
            QueueName: !GetAtt Queue.QueueName
        - KMSDecryptPolicy:
            KeyId: !Ref KeyParam
        - CloudWatchPutMetricPolicy: {}
        - SSMParameterReadPolicy:
            ParameterName: app/db-password
        - SecretsManagerGetSecretValuePolicy:
            SecretArn: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db
        - S3WritePolicy:
            Bucket: typo
        - LambdaInvokePolicy: !Ref Something
"#;

fn lit(t: &str) -> Piece {
    Piece::Lit(t.into())
}

fn pref(target: &str, attr: &str) -> Piece {
    Piece::Ref(Ref {
        target: target.into(),
        attr: attr.into(),
    })
}

/// A statement as (actions, resources), spans left out.
fn statement_values(stmt: &Node) -> (Vec<Value>, Vec<Value>) {
    let values = |k: &str| {
        stmt.get(k)
            .unwrap()
            .items()
            .iter()
            .map(|n| n.value.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(stmt.get("Effect").unwrap().value, s("Allow"));
    (values("Action"), values("Resource"))
}

fn strings(items: &[&str]) -> Vec<Value> {
    items.iter().map(|i| s(i)).collect()
}

#[test]
fn sam_policy_templates_expand_to_statements() {
    let doc = parse(SAM_TEMPLATES);
    assert!(errors(&doc).is_empty(), "{:?}", doc.diagnostics);
    let policies = attr(&doc, "FnRole", &["Policies"]).items();
    let statements = |i: usize| -> Vec<(Vec<Value>, Vec<Value>)> {
        let d = policies[i].get("PolicyDocument").unwrap();
        assert_eq!(d.get("Version").unwrap().value, s("2012-10-17"));
        d.get("Statement")
            .unwrap()
            .items()
            .into_iter()
            .map(statement_values)
            .collect()
    };
    let partition = || pref("AWS::Partition", "");
    let region = || pref("AWS::Region", "");
    let account = || pref("AWS::AccountId", "");

    // S3ReadPolicy with a Ref to a bucket of the template: the bucket stays symbolic.
    assert_eq!(
        statements(0),
        [(
            strings(&[
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:GetLifecycleConfiguration",
            ]),
            vec![
                Value::Interp(vec![
                    lit("arn:"),
                    partition(),
                    lit(":s3:::"),
                    pref("Bucket", "")
                ]),
                Value::Interp(vec![
                    lit("arn:"),
                    partition(),
                    lit(":s3:::"),
                    pref("Bucket", ""),
                    lit("/*"),
                ]),
            ],
        )]
    );
    // DynamoDBCrudPolicy with a template parameter: its default is substituted.
    let table = |tail: &str| {
        Value::Interp(vec![
            lit("arn:"),
            partition(),
            lit(":dynamodb:"),
            region(),
            lit(":"),
            account(),
            lit(&format!(":table/orders{tail}")),
        ])
    };
    assert_eq!(
        statements(1),
        [(
            strings(&[
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
                "dynamodb:ConditionCheckItem",
            ]),
            vec![table(""), table("/index/*")],
        )]
    );
    // SQSPollerPolicy with a GetAtt.
    assert_eq!(
        statements(2),
        [(
            strings(&[
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ]),
            vec![Value::Interp(vec![
                lit("arn:"),
                partition(),
                lit(":sqs:"),
                region(),
                lit(":"),
                account(),
                lit(":"),
                pref("Queue", "QueueName"),
            ])],
        )]
    );
    // KMSDecryptPolicy with a parameter without default: that part is unknown.
    assert_eq!(
        statements(3),
        [(
            strings(&["kms:Decrypt"]),
            vec![Value::Interp(vec![
                lit("arn:"),
                partition(),
                lit(":kms:"),
                region(),
                lit(":"),
                account(),
                lit(":key/"),
                Piece::Unknown,
            ])],
        )]
    );
    // No parameters.
    assert_eq!(
        statements(4),
        [(strings(&["cloudwatch:PutMetricData"]), strings(&["*"]))]
    );
    // Two statements.
    assert_eq!(
        statements(5),
        [
            (strings(&["ssm:DescribeParameters"]), strings(&["*"])),
            (
                strings(&[
                    "ssm:GetParameters",
                    "ssm:GetParameter",
                    "ssm:GetParametersByPath",
                ]),
                vec![Value::Interp(vec![
                    lit("arn:"),
                    partition(),
                    lit(":ssm:"),
                    region(),
                    lit(":"),
                    account(),
                    lit(":parameter/app/db-password"),
                ])],
            ),
        ]
    );
    // The parameter is the whole resource.
    assert_eq!(
        statements(6),
        [(
            strings(&["secretsmanager:GetSecretValue"]),
            strings(&["arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"]),
        )]
    );
    // A missing parameter and parameters that are not a mapping: unknown, with a warning.
    for i in [7, 8] {
        assert_eq!(
            policies[i].get("PolicyDocument").unwrap().value,
            Value::Unknown
        );
    }
    let warnings: Vec<&str> = doc
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagLevel::Warning)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("`S3WritePolicy`") && warnings[0].contains("`BucketName`"));
    assert!(warnings[1].contains("`LambdaInvokePolicy`"));
    // Generated statements point at the template's name in `Policies`.
    let line = |needle: &str| {
        SAM_TEMPLATES
            .lines()
            .position(|l| l.contains(needle))
            .unwrap()
            + 1
    };
    let stmt = policies[0]
        .path(&["PolicyDocument", "Statement"])
        .unwrap()
        .items()[0];
    assert_eq!(stmt.span.line as usize, line("- S3ReadPolicy:"));
}

#[test]
fn undecided_conditions_keep_both_branches() {
    let doc = parse(
        r#"
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Role:
    Type: AWS::IAM::Role
  Q:
    Type: AWS::SQS::Queue
    Properties:
      Tokens: !If [IsProd, required, optional]
      Dropped: !If [IsProd, !Ref AWS::NoValue, !GetAtt Role.Arn]
      InText: !Sub
        - "x-${V}"
        - V: !If [IsProd, a, b]
      Undefined: !If [Nope, a, b]
      Nested: !If [IsProd, {A: !If [IsProd, 1, 2]}, [!Ref Role]]
"#,
    );
    let tokens = attr(&doc, "Q", &["Tokens"]);
    let Value::Cond {
        condition,
        then,
        otherwise,
    } = &tokens.value
    else {
        panic!("{tokens:?}")
    };
    assert_eq!(condition, "IsProd");
    assert_eq!(then.as_ref().unwrap().value, s("required"));
    assert_eq!(otherwise.as_ref().unwrap().value, s("optional"));
    // Each branch keeps its own position; the whole keeps the If's.
    assert_eq!(pos(&tokens.span).0, 12);
    assert_eq!(otherwise.as_ref().unwrap().span.col, 38);
    // A removed branch is `None`; the references of both branches are seen.
    let dropped = attr(&doc, "Q", &["Dropped"]);
    assert!(matches!(dropped.value, Value::Cond { then: None, .. }));
    assert_eq!(dropped.refs()[0].to_string(), "Role.Arn");
    assert_eq!(
        attr(&doc, "Q", &["InText"]).value,
        Value::Interp(vec![Piece::Lit("x-".into()), Piece::Unknown])
    );
    // A condition that is not defined: unknown, with a warning.
    assert_eq!(attr(&doc, "Q", &["Undefined"]).value, Value::Unknown);
    assert!(doc.diagnostics.iter().any(|d| d.message.contains("`Nope`")));
    // Choosing a branch resolves nested values; choosing none leaves them unknown.
    let q = &res(&doc, "Q").attrs;
    assert_eq!(q.conditions().into_iter().collect::<Vec<_>>(), ["IsProd"]);
    let prod = q.choose(&|c| (c == "IsProd").then_some(true)).unwrap();
    assert_eq!(prod.get("Tokens").unwrap().value, s("required"));
    assert!(prod.get("Dropped").is_none());
    assert_eq!(
        prod.path(&["Nested", "A"]).unwrap().value,
        Value::Number(1.0)
    );
    let dev = q.choose(&|_| Some(false)).unwrap();
    assert_eq!(dev.get("Dropped").unwrap().value, r("Role", "Arn"));
    assert_eq!(dev.get("Nested").unwrap().items()[0].value, r("Role", ""));
    let unknown = q.choose(&|_| None).unwrap();
    assert_eq!(unknown.get("Tokens").unwrap().value, Value::Unknown);
    assert!(unknown.conditions().is_empty());
}

#[test]
fn suppressions_of_other_scanners_from_metadata() {
    let doc = parse(
        r#"
Resources:
  Web:
    Type: AWS::EC2::LaunchTemplate
    Metadata:
      checkov:
        skip:
          - id: CKV_AWS_79
            comment: legacy AMI
          - CKV_AWS_341
      cfn_nag:
        rules_to_suppress:
          - id: W16
            reason: denies the rest
          - {reason: no id}
      cfn-lint:
        config:
          ignore_checks: [W3037, {}]
      rolegraph:
        ignore:
          - id: IMDS001
            reason: own
"#,
    );
    use crate::document::SuppressionSyntax::*;
    let got: Vec<(crate::document::SuppressionSyntax, &str, &str, u32)> = res(&doc, "Web")
        .suppressions
        .iter()
        .map(|s| (s.syntax, s.rule.as_str(), s.reason.as_str(), s.span.line))
        .collect();
    assert_eq!(
        got,
        [
            (Rolegraph, "IMDS001", "own", 21),
            (Checkov, "CKV_AWS_79", "legacy AMI", 8),
            (Checkov, "CKV_AWS_341", "", 10),
            (CfnNag, "W16", "denies the rest", 13),
            (CfnLint, "W3037", "", 18),
        ]
    );
    // Other tools' entries are read leniently: no warning for the ones skipped.
    assert!(doc.diagnostics.is_empty(), "{:?}", doc.diagnostics);
}
